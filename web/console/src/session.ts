// Who is signed in. The refresh token is kept in localStorage so that a reload (or a new tab)
// stays signed in; the access token lives in memory only and is re-obtained by a refresh.
// The trade-off is written up in README.md (Console).

import type { TokenPair, User } from './types';

const REFRESH_TOKEN_KEY = 'agentd.console.refresh_token';

export class Session {
  private access: string | null = null;
  private person: User | null = null;
  private readonly listeners = new Set<() => void>();

  get accessToken(): string | null {
    return this.access;
  }

  get user(): User | null {
    return this.person;
  }

  /** Read each time: another tab may have rotated it since. */
  get refreshToken(): string | null {
    return localStorage.getItem(REFRESH_TOKEN_KEY);
  }

  get isSignedIn(): boolean {
    return this.access !== null;
  }

  start(tokens: TokenPair): void {
    this.access = tokens.access_token;
    this.person = tokens.user;
    localStorage.setItem(REFRESH_TOKEN_KEY, tokens.refresh_token);
    this.notify();
  }

  end(): void {
    const wasSignedIn = this.access !== null || this.refreshToken !== null;
    this.access = null;
    this.person = null;
    localStorage.removeItem(REFRESH_TOKEN_KEY);
    if (wasSignedIn) this.notify();
  }

  /** Called when the session starts or ends. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
