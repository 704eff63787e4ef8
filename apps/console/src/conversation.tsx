import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, path, type Api } from './api';
import type { Catalog } from './catalog';
import { followEvents } from './event-stream';
import { contactTitle, fullTime, messageText, relativeTime } from './format';
import type { Session } from './session';
import { BlockDialog } from './block-dialog';
import { ChannelBadge } from './channel-badge';
import { UserDetails } from './user-details';
import type { ContactDetails, Message } from './types';

type StreamState = 'connecting' | 'live' | 'reconnecting' | 'failed';

/** The open conversation: messages (live), block controls, and the user details beside it. */
export function ConversationScreen({
  api,
  session,
  catalog,
  contactId,
  onChange,
}: {
  api: Api;
  session: Session;
  catalog: Catalog;
  contactId: string;
  /** The contact or its messages changed (the inbox shows both). */
  onChange: () => void;
}) {
  const [details, setDetails] = useState<ContactDetails>();
  const [messages, setMessages] = useState<Message[]>([]);
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const [failure, setFailure] = useState<number>();
  const [dialog, setDialog] = useState<'block' | 'unblock'>();
  const [dialogError, setDialogError] = useState<string>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const bottom = useRef<HTMLLIElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    void followEvents(
      (signal) => api.stream(path`/v1/contacts/${contactId}/messages/stream`, signal),
      ({ event, data }) => {
        if (event === 'contact') {
          setDetails(JSON.parse(data) as ContactDetails);
          onChange();
        } else if (event === 'messages') {
          setMessages((JSON.parse(data) as { items: Message[] }).items);
          onChange();
        } else if (event === 'gone') {
          setFailure(404);
        }
      },
      (state, status) => {
        setStreamState(state);
        if (state === 'failed') {
          setFailure(status);
        }
      },
      controller.signal,
    );
    return () => controller.abort();
  }, [api, contactId]);

  const delivered = [...messages].reverse().filter((message) => message.status === 'accepted');
  useEffect(() => bottom.current?.scrollIntoView({ block: 'end' }), [delivered.length]);

  if (failure !== undefined) {
    return (
      <section class="conversation" aria-label="Conversation">
        <p class="error" role="alert">
          {failure === 404
            ? 'This conversation does not exist.'
            : `The conversation could not be opened (HTTP ${failure}).`}
        </p>
      </section>
    );
  }
  if (!details) {
    return (
      <section class="conversation" aria-label="Conversation" aria-busy="true">
        <p class="empty-state">Opening the conversation…</p>
      </section>
    );
  }

  const blocked = details.block.blocked;
  const dropped = blocked ? droppedSinceBlocking(messages) : '0';
  const canWrite = session.role !== 'viewer';

  const openDialog = (action: 'block' | 'unblock') => {
    setDialogError(undefined);
    setDialog(action);
  };
  const changeBlock = async (action: 'block' | 'unblock', reason?: string) => {
    setBusy(true);
    setNotice('');
    setDialogError(undefined);
    try {
      const updated = await api.post<ContactDetails>(
        path`/v1/contacts/${contactId}/${action}`,
        reason ? { reason } : {},
      );
      if (updated?.block) {
        setDetails((current) => current && { ...current, block: updated.block });
      }
      setNotice(action === 'block' ? 'Customer blocked.' : 'Customer unblocked.');
      setDialog(undefined);
    } catch (error) {
      // Refused (a reason the tenant's policy requires, a role it does not allow, …): the
      // dialog stays open and says why, so the agent can add a reason and try again.
      setDialogError(refusalOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="conversation-layout">
      <section class="conversation" aria-labelledby="conversation-title">
        <header class="conversation-header">
          <div>
            <h2 id="conversation-title">{contactTitle(details)}</h2>
            <p class="identities">
              {details.identities.map((identity) => `${identity.channel} ${identity.address}`).join(' · ')}
            </p>
          </div>
          <span class={`stream-state ${streamState}`} role="status">
            {streamState === 'live'
              ? 'Live'
              : streamState === 'reconnecting'
                ? 'Reconnecting…'
                : 'Connecting…'}
          </span>
          {canWrite &&
            (blocked ? (
              <button type="button" disabled={busy} onClick={() => openDialog('unblock')}>
                Unblock
              </button>
            ) : (
              <button type="button" class="danger" disabled={busy} onClick={() => openDialog('block')}>
                Block
              </button>
            ))}
        </header>
        {blocked && (
          <div class="blocked-banner" role="status" aria-live="polite">
            <strong>This customer is blocked and cannot send messages.</strong>{' '}
            <span data-testid="dropped-count">
              {dropped} {dropped === '1' ? 'attempt' : 'attempts'} dropped since blocking
            </span>
            <span class="block-by">
              Blocked by {details.block.blockedBy ?? 'someone'} {relativeTime(details.block.blockedAt)}
              {details.block.reason ? ` · reason: ${details.block.reason}` : ''}
            </span>
          </div>
        )}
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <ol class="messages" aria-label="Messages" aria-live="polite" aria-relevant="additions">
          {delivered.length === 0 && <li class="empty-state">No messages yet.</li>}
          {delivered.map((message) => (
            <li key={message.messageId} class="message">
              <p class="bubble">{messageText(message.content, message.type)}</p>
              <div class="message-meta">
                <ChannelBadge channel={message.channel} from={message.from} />
                <time dateTime={message.sentAt} title={fullTime(message.sentAt)}>
                  {relativeTime(message.sentAt)}
                </time>
              </div>
            </li>
          ))}
          <li ref={bottom} aria-hidden="true" class="end" />
        </ol>
      </section>
      <UserDetails api={api} session={session} catalog={catalog} details={details} onChanged={setDetails} />
      {dialog && (
        <BlockDialog
          key={dialog}
          action={dialog}
          name={contactTitle(details)}
          busy={busy}
          error={dialogError}
          onCancel={() => setDialog(undefined)}
          onConfirm={(reason) => void changeBlock(dialog, reason)}
        />
      )}
    </div>
  );
}

/** Codes whose problem detail is the whole answer to "why not?" (the tenant's block policy). */
const POLICY_REFUSALS = new Set(['block-reason-required', 'block-not-permitted']);

/** What the dialog says when a block or unblock is refused. */
function refusalOf(error: unknown): string {
  if (error instanceof ApiProblem && error.code && POLICY_REFUSALS.has(error.code)) {
    return error.detail ?? error.title;
  }
  return (error as Error).message;
}

/** What the history keeps of a contact (the contacts service's bound). */
const HISTORY_KEPT = 50;

/**
 * Attempts dropped since the block: the newest messages that were all dropped, back to the
 * last one delivered (arrival order, so a channel's clock does not matter); "50+" when the
 * whole bounded history is dropped messages.
 */
function droppedSinceBlocking(newestFirst: Message[]): string {
  const run = newestFirst.findIndex((message) => message.status !== 'blocked');
  const count = run < 0 ? newestFirst.length : run;
  return run < 0 && count >= HISTORY_KEPT ? `${count}+` : String(count);
}
