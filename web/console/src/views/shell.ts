// The frame around every signed-in page: the skip link, the name, the navigation with the
// approvals badge (and Users for an administrator), who is signed in and the sign-out button.

import { h, replace } from '../dom';
import type { PendingApprovals } from '../pending_approvals';
import type { Route } from '../router';
import type { User } from '../types';

export class Shell {
  readonly element: HTMLElement;
  readonly main: HTMLElement;
  private readonly links: Record<'conversations' | 'approvals' | 'keys' | 'usage' | 'users', HTMLAnchorElement>;
  private readonly badge: HTMLElement;
  private readonly who: HTMLElement;

  constructor(private readonly pending: PendingApprovals, signOut: () => void) {
    this.badge = h('span', { class: 'badge', hidden: true });
    this.links = {
      conversations: h('a', { href: '#/conversations' }, 'Conversations'),
      approvals: h('a', { href: '#/approvals' }, 'Approvals ', this.badge),
      keys: h('a', { href: '#/keys' }, 'API keys'),
      usage: h('a', { href: '#/usage' }, 'Usage'),
      users: h('a', { href: '#/users' }, 'Users'),
    };
    this.who = h('span', { class: 'who' });
    this.main = h('main', { id: 'main', tabindex: -1 });
    this.element = h(
      'div',
      { class: 'shell' },
      h('a', { class: 'skip-link', href: '#main', onclick: (event) => this.skipToMain(event) }, 'Skip to content'),
      h(
        'header',
        { class: 'topbar' },
        h('a', { class: 'brand', href: '#/conversations' }, 'agentd'),
        h('nav', { 'aria-label': 'Main' }, h('ul', null, Object.values(this.links).map((link) => h('li', null, link)))),
        h(
          'div',
          { class: 'account' },
          this.who,
          h('button', { type: 'button', class: 'button subtle', onclick: signOut }, 'Sign out'),
        ),
      ),
      this.main,
    );
    pending.onChange(() => this.showBadge());
    this.showBadge();
  }

  /** Who is signed in; Users is offered to an administrator only. */
  showUser(user: User | null): void {
    replace(this.who, user?.email ?? '');
    const item = this.links.users.parentElement;
    if (item) item.hidden = user?.role !== 'admin';
  }

  select(route: Route): void {
    for (const [name, link] of Object.entries(this.links)) {
      if (name === route.name) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  private showBadge(): void {
    const label = this.pending.label;
    this.badge.hidden = label === '';
    replace(this.badge, label, h('span', { class: 'visually-hidden' }, ' pending'));
  }

  private skipToMain(event: Event): void {
    // The hash is the router's: move the focus without changing it.
    event.preventDefault();
    this.main.focus();
  }
}
