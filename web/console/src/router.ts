// Hash routes, so that the server serves one page: #/sign-in, #/register, #/conversations,
// #/conversations/ID, #/approvals, #/keys, #/usage, #/users.

export type Route =
  | { name: 'sign-in' }
  | { name: 'register' }
  | { name: 'conversations'; id: string | null }
  | { name: 'approvals' }
  | { name: 'keys' }
  | { name: 'usage' }
  | { name: 'users' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'sign-in':
      return { name: 'sign-in' };
    case 'register':
      return { name: 'register' };
    case 'approvals':
      return { name: 'approvals' };
    case 'keys':
      return { name: 'keys' };
    case 'usage':
      return { name: 'usage' };
    case 'users':
      return { name: 'users' };
    default:
      return { name: 'conversations', id: parts[0] === 'conversations' ? (parts[1] ?? null) : null };
  }
}

export function hrefOf(route: Route): string {
  if (route.name === 'conversations') {
    return route.id ? `#/conversations/${encodeURIComponent(route.id)}` : '#/conversations';
  }
  return `#/${route.name}`;
}

export function navigate(route: Route): void {
  const href = hrefOf(route);
  if (location.hash === href) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = href;
}
