// The console: which page the hash names, behind sign-in. Pages are built anew on each
// route; the shell (navigation, badge) stays while signed in.

import { Api } from './api';
import { replace } from './dom';
import { PendingApprovals } from './pending_approvals';
import { navigate, parseRoute, type Route } from './router';
import { Session } from './session';
import { ApprovalsView } from './views/approvals';
import { ConversationsView } from './views/conversations';
import { KeysView } from './views/keys';
import { Shell } from './views/shell';
import { signInView } from './views/sign_in';
import { UsageView } from './views/usage';
import { UsersView } from './views/users';
import type { View } from './views/view';

export class App {
  private readonly session = new Session();
  private readonly api = new Api(this.session);
  private readonly pending = new PendingApprovals(this.api);
  private readonly shell = new Shell(this.pending, () => void this.api.signOut());
  private shellShown = false;
  private view: View | null = null;
  /** Where to go once signed in: the page asked for before. */
  private afterSignIn: Route = { name: 'conversations', id: null };

  constructor(private readonly root: HTMLElement) {
    this.session.onChange(() => {
      if (!this.session.isSignedIn) this.signedOut();
    });
    window.addEventListener('hashchange', () => this.show(parseRoute(location.hash)));
  }

  async start(): Promise<void> {
    try {
      await this.api.resume();
    } catch {
      // The server could not be reached: the sign-in page says so when it is used.
    }
    this.show(parseRoute(location.hash));
  }

  private show(route: Route): void {
    this.view?.destroy?.();
    this.view = null;
    const signingIn = route.name === 'sign-in' || route.name === 'register';
    if (!this.session.isSignedIn) {
      if (!signingIn) {
        this.afterSignIn = route;
        navigate({ name: 'sign-in' });
        return;
      }
      this.shellShown = false;
      this.view = signInView(this.api, route.name, () => this.signedIn());
      replace(this.root, this.view.element);
    } else {
      if (signingIn) {
        navigate({ name: 'conversations', id: null });
        return;
      }
      if (!this.shellShown) {
        this.shellShown = true;
        this.shell.showUser(this.session.user);
        replace(this.root, this.shell.element);
        this.pending.start();
      }
      this.shell.select(route);
      this.view = this.viewFor(route);
      replace(this.shell.main, this.view.element);
    }
    document.title = `${this.view.title} · agentd console`;
    // The page changed: its heading gets the focus, so that a screen reader starts there.
    this.view.element.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  }

  private viewFor(route: Route): View {
    switch (route.name) {
      case 'approvals':
        return new ApprovalsView(this.api, this.pending);
      case 'keys':
        return new KeysView(this.api);
      case 'usage':
        return new UsageView(this.api);
      case 'users':
        return new UsersView(this.api);
      default:
        return new ConversationsView(this.api, route.name === 'conversations' ? route.id : null, this.pending);
    }
  }

  private signedIn(): void {
    const target = this.afterSignIn;
    this.afterSignIn = { name: 'conversations', id: null };
    navigate(target);
  }

  private signedOut(): void {
    this.pending.stop();
    this.shellShown = false;
    const route = parseRoute(location.hash);
    if (route.name !== 'sign-in' && route.name !== 'register') this.afterSignIn = route;
    navigate({ name: 'sign-in' });
  }
}
