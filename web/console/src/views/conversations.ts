// Conversations: the list (newest first, a page at a time), the form that starts a new one,
// and beside them (or instead of them, on a narrow screen) the open conversation.

import { describeError, type Api } from '../api';
import { h, replace } from '../dom';
import { formatAge } from '../format';
import type { PendingApprovals } from '../pending_approvals';
import { hrefOf, navigate } from '../router';
import type { Conversation, List, Model } from '../types';
import { ChatView } from './chat';
import type { View } from './view';

const PAGE_SIZE = 20;

const STATUS_LABEL: Record<Conversation['status'], string> = {
  idle: '',
  running: 'running',
  awaiting_approval: 'needs approval',
};

export class ConversationsView implements View {
  readonly element: HTMLElement;
  readonly title: string;
  private readonly list: HTMLUListElement;
  private readonly more: HTMLButtonElement;
  private readonly listError: HTMLElement;
  private readonly chat: ChatView | null;
  private cursor: string | null = null;
  private destroyed = false;

  constructor(
    private readonly api: Api,
    private readonly openId: string | null,
    pending: PendingApprovals,
  ) {
    this.list = h('ul', { class: 'conversation-list' });
    this.more = h('button', { type: 'button', class: 'button subtle', hidden: true, onclick: () => void this.loadPage() }, 'Load more');
    this.listError = h('p', { class: 'form-error', role: 'alert' });
    this.chat = openId ? new ChatView(api, openId, pending, () => void this.reloadList()) : null;
    this.title = openId ? 'Conversation' : 'Conversations';
    const sidebar = h(
      'section',
      { class: 'sidebar', 'aria-labelledby': 'conversations-title' },
      h(openId ? 'h2' : 'h1', { id: 'conversations-title', tabindex: -1 }, 'Conversations'),
      this.newConversationForm(),
      this.list,
      this.more,
      this.listError,
    );
    this.element = h(
      'div',
      { class: `conversations ${openId ? 'has-open' : 'none-open'}` },
      sidebar,
      h('div', { class: 'conversation-pane' }, this.chat?.element ?? h('p', { class: 'empty-pane' }, 'Choose a conversation, or start a new one.')),
    );
    void this.loadPage();
  }

  destroy(): void {
    this.destroyed = true;
    this.chat?.destroy();
  }

  private async reloadList(): Promise<void> {
    this.cursor = null;
    await this.loadPage(true);
  }

  private async loadPage(fresh = false): Promise<void> {
    this.more.disabled = true;
    replace(this.listError);
    try {
      const query = `?limit=${PAGE_SIZE}${this.cursor && !fresh ? `&after=${encodeURIComponent(this.cursor)}` : ''}`;
      const page = await this.api.get<List<Conversation>>(`/v1/conversations${query}`);
      if (this.destroyed) return;
      if (fresh) replace(this.list);
      for (const conversation of page.data) this.list.append(this.item(conversation));
      if (this.list.childElementCount === 0) this.list.append(h('li', { class: 'empty' }, 'No conversations yet.'));
      this.cursor = page.data.at(-1)?.id ?? this.cursor;
      this.more.hidden = !page.has_more;
    } catch (error) {
      replace(this.listError, describeError(error));
    } finally {
      this.more.disabled = false;
    }
  }

  private item(conversation: Conversation): HTMLLIElement {
    const current = conversation.id === this.openId;
    const status = STATUS_LABEL[conversation.status];
    return h(
      'li',
      null,
      h(
        'a',
        { href: hrefOf({ name: 'conversations', id: conversation.id }), 'aria-current': current ? 'page' : null },
        h('span', { class: 'item-title' }, conversation.title || 'New conversation'),
        h(
          'span',
          { class: 'item-meta' },
          formatAge(conversation.updated_at),
          ` · ${conversation.message_count} message${conversation.message_count === 1 ? '' : 's'}`,
          status && h('span', { class: `pill ${conversation.status}` }, status),
        ),
      ),
    );
  }

  private newConversationForm(): HTMLElement {
    const title = h('input', { id: 'new-title', name: 'title', type: 'text', maxlength: 1000, placeholder: 'From the first message' });
    const model = h('select', { id: 'new-model', name: 'model' }, h('option', { value: '' }, 'Server default'));
    const systemPrompt = h('textarea', { id: 'new-system', name: 'system_prompt', rows: 3 });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'New conversation');
    void this.api.get<List<Model>>('/v1/models').then(
      (models) => {
        for (const item of models.data) model.append(h('option', { value: item.id }, item.id));
      },
      () => undefined,
    );
    return h(
      'form',
      {
        class: 'new-conversation',
        onsubmit: (event) => {
          event.preventDefault();
          submit.disabled = true;
          replace(error);
          const body: Record<string, string> = {};
          if (title.value.trim()) body.title = title.value.trim();
          if (model.value) body.model = model.value;
          if (systemPrompt.value.trim()) body.system_prompt = systemPrompt.value.trim();
          this.api.post<Conversation>('/v1/conversations', body).then(
            (created) => navigate({ name: 'conversations', id: created.id }),
            (failure: unknown) => {
              submit.disabled = false;
              replace(error, describeError(failure));
            },
          );
        },
      },
      h(
        'details',
        { class: 'options' },
        h('summary', null, 'Title, model, system prompt'),
        h('div', { class: 'field' }, h('label', { for: 'new-title' }, 'Title'), title),
        h('div', { class: 'field' }, h('label', { for: 'new-model' }, 'Model'), model),
        h('div', { class: 'field' }, h('label', { for: 'new-system' }, 'System prompt'), systemPrompt),
      ),
      submit,
      error,
    );
  }
}
