import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api';
import type { Catalog } from './catalog';
import { contactTitle, messageText, relativeTime } from './format';
import { TagChip } from './tag-chip';
import type { Conversation, Page } from './types';

const REFRESH_MS = 5_000;

/**
 * Contacts with recent conversations, newest first; filter by tag and block state. Read again
 * every few seconds, and at once when `refresh` changes (the open conversation changed).
 */
export function Inbox({
  api,
  catalog,
  selected,
  refresh,
}: {
  api: Api;
  catalog: Catalog;
  selected?: string;
  refresh: number;
}) {
  const [tag, setTag] = useState('');
  const [blocked, setBlocked] = useState('');
  const [pages, setPages] = useState<Page<Conversation>[]>([]);
  const [error, setError] = useState('');

  const query = useCallback(
    (cursor?: string) => {
      const search = new URLSearchParams({ limit: '30' });
      if (tag) {
        search.set('tag', tag);
      }
      if (blocked) {
        search.set('blocked', blocked);
      }
      if (cursor) {
        search.set('cursor', cursor);
      }
      return api.get<Page<Conversation>>(`/v1/conversations?${search.toString()}`);
    },
    [api, tag, blocked],
  );

  // Reads overlap (a refresh per change of the open conversation, one every few seconds): the
  // newest answer for the current filters wins, whichever arrives first.
  const shownQuery = useRef(query);
  const requested = useRef(0);
  const applied = useRef(0);
  const load = useCallback(() => {
    const sequence = ++requested.current;
    query().then(
      (first) => {
        if (shownQuery.current === query && sequence > applied.current) {
          applied.current = sequence;
          setError('');
          // The first page is replaced; pages that "Load more" added stay.
          setPages((current) => (current.length > 1 ? [first, ...current.slice(1)] : [first]));
        }
      },
      (problem: Error) => shownQuery.current === query && setError(problem.message),
    );
  }, [query]);

  useEffect(() => {
    if (shownQuery.current !== query) {
      // Other filters: start from their first page.
      shownQuery.current = query;
      setPages([]);
    }
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [query, load]);

  useEffect(() => {
    if (refresh > 0) {
      load();
    }
  }, [refresh]);

  const items = pages.flatMap((page) => page.items);
  const nextCursor = pages[pages.length - 1]?.nextCursor;
  const loadMore = () => {
    if (nextCursor) {
      query(nextCursor).then(
        (page) => setPages((current) => [...current, page]),
        (problem: Error) => setError(problem.message),
      );
    }
  };

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      <div class="filters" role="group" aria-label="Filter conversations">
        <label>
          Tag
          <select value={tag} onChange={(event) => setTag(event.currentTarget.value)}>
            <option value="">Any tag</option>
            {catalog.tags.map((entry) => (
              <option key={entry.tagId} value={entry.name}>
                {entry.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={blocked} onChange={(event) => setBlocked(event.currentTarget.value)}>
            <option value="">All</option>
            <option value="false">Not blocked</option>
            <option value="true">Blocked</option>
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="conversation-list" aria-label="Conversations">
        {items.map(({ contact, lastMessage }) => (
          <li key={contact.contactId}>
            <a
              href={`#/inbox/${encodeURIComponent(contact.contactId)}`}
              class={`conversation-link${selected === contact.contactId ? ' selected' : ''}`}
              aria-current={selected === contact.contactId ? 'true' : undefined}
            >
              <span class="row">
                <span class="name">{contactTitle(contact)}</span>
                <time dateTime={contact.lastMessageAt}>{relativeTime(contact.lastMessageAt)}</time>
              </span>
              <span class="preview">
                {lastMessage?.status === 'blocked' && (
                  <>
                    <span class="dropped-marker" title="Dropped: the customer was blocked">
                      Dropped
                    </span>{' '}
                  </>
                )}
                {lastMessage ? messageText(lastMessage.content, lastMessage.type) : 'No messages'}
              </span>
              <span class="row chips">
                {contact.block.blocked && <span class="blocked-marker">Blocked</span>}
                {contact.tags.map((name) => (
                  <TagChip key={name} name={name} catalog={catalog} />
                ))}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {items.length === 0 && !error && (
        <p class="empty-state">No conversations{tag || blocked ? ' match these filters' : ' yet'}.</p>
      )}
      {nextCursor && (
        <button type="button" onClick={loadMore}>
          Load more
        </button>
      )}
    </section>
  );
}
