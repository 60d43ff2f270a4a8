// The console's only way to the server: the public HTTP API with the session's bearer token.
// A 401 is answered by one refresh (one at a time: concurrent requests wait for the same one)
// and one retry; when the refresh fails too the session ends and the person signs in again.

import type { Session } from './session';
import type { ErrorBody, TokenPair } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class Api {
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly session: Session) {}

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, { signal });
  }

  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, { body, signal });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, { body });
  }

  async delete(path: string): Promise<void> {
    await this.send('DELETE', path, {});
  }

  /** A request whose answer is read as it arrives (Server-Sent Events). */
  stream(method: string, path: string, options: RequestOptions): Promise<Response> {
    return this.send(method, path, { ...options, headers: { Accept: 'text/event-stream', ...options.headers } });
  }

  async signIn(email: string, password: string): Promise<void> {
    const tokens = await this.anonymous<TokenPair>('/v1/auth/login', { email, password });
    this.session.start(tokens);
  }

  async register(email: string, password: string, name: string): Promise<void> {
    await this.anonymous('/v1/auth/register', name ? { email, password, name } : { email, password });
  }

  /** Restores a session from the stored refresh token; false when there is none that works. */
  resume(): Promise<boolean> {
    if (!this.session.refreshToken) return Promise.resolve(false);
    return this.refresh();
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session.refreshToken;
    this.session.end();
    if (refreshToken) {
      // The session ends here whatever the server answers.
      await this.anonymous('/v1/auth/logout', { refresh_token: refreshToken }).catch(() => undefined);
    }
  }

  private async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    let response = await this.fetchWithToken(method, path, options);
    if (response.status === 401) {
      if (await this.refresh()) response = await this.fetchWithToken(method, path, options);
      if (response.status === 401) {
        this.session.end();
        throw await errorOf(response);
      }
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  private fetchWithToken(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    const token = this.session.accessToken;
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    return fetch(path, { method, headers, body, signal: options.signal, cache: 'no-store' });
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= this.rotate().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async rotate(): Promise<boolean> {
    const refreshToken = this.session.refreshToken;
    if (!refreshToken) return false;
    try {
      this.session.start(await this.anonymous<TokenPair>('/v1/auth/refresh', { refresh_token: refreshToken }));
      return true;
    } catch (error) {
      // A network failure keeps the stored token for the next try; a refusal ends the session.
      if (error instanceof ApiError) this.session.end();
      else throw error;
      return false;
    }
  }

  private async anonymous<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    if (!response.ok) throw await errorOf(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const { error } = (await response.json()) as ErrorBody;
    return new ApiError(response.status, error.message, error.code, error.param);
  } catch {
    return new ApiError(response.status, `${response.status} ${response.statusText}`.trim());
  }
}

/** A message to show a person for anything a call threw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
