// The number of tool calls waiting for this person's decision, for the badge in the navigation.
// Read when asked (a run paused, a decision was sent) and every 15 s while the page is shown.

import type { Api } from './api';
import type { Approval, List } from './types';

const POLL_MS = 15_000;

export class PendingApprovals {
  private count = 0;
  private more = false;
  private timer: number | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: Api) {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.timer !== undefined) void this.refresh();
    });
  }

  /** "3", "99+", or "" when nothing waits. */
  get label(): string {
    if (this.count === 0) return '';
    return this.more ? `${this.count}+` : String(this.count);
  }

  start(): void {
    this.stop();
    this.timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, POLL_MS);
    void this.refresh();
  }

  stop(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
    this.set(0, false);
  }

  async refresh(): Promise<void> {
    try {
      const page = await this.api.get<List<Approval>>('/v1/approvals?status=pending&limit=100');
      this.set(page.data.length, page.has_more);
    } catch {
      // The badge is a hint: it keeps its last count until the next read works.
    }
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private set(count: number, more: boolean): void {
    if (count === this.count && more === this.more) return;
    this.count = count;
    this.more = more;
    for (const listener of this.listeners) listener();
  }
}
