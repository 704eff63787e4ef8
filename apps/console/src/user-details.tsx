import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { path, type Api } from './api';
import type { Catalog } from './catalog';
import { fullTime, relativeTime } from './format';
import type { Session } from './session';
import { TagChip } from './tag-chip';
import type { ActivityEntry, ContactDetails, Note, Page } from './types';

interface Props {
  api: Api;
  session: Session;
  catalog: Catalog;
  details: ContactDetails;
  onChanged: (details: ContactDetails) => void;
}

/** The customer panel beside the chat: profile, tags, notes and activity. */
export function UserDetails(props: Props) {
  const [error, setError] = useState('');
  const canWrite = props.session.role !== 'viewer';
  /** Runs a change, then shows the contact as the API has it now. */
  const change = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError('');
    try {
      await action();
      props.onChanged(await props.api.get<ContactDetails>(path`/v1/contacts/${props.details.contactId}`));
      return true;
    } catch (problem) {
      setError((problem as Error).message);
      return false;
    }
  };
  return (
    <aside class="user-details" aria-labelledby="details-title">
      <h2 id="details-title">User details</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <Profile {...props} canWrite={canWrite} change={change} />
      <Tags {...props} canWrite={canWrite} change={change} />
      <Notes {...props} canWrite={canWrite} change={change} />
      <Activity entries={props.details.recentActivity} />
    </aside>
  );
}

type SectionProps = Props & {
  canWrite: boolean;
  change: (action: () => Promise<unknown>) => Promise<boolean>;
};

function Profile({ api, details, canWrite, change }: SectionProps) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ name: '', email: '', phone: '' });
  const edit = () => {
    setForm({ name: details.name ?? '', email: details.email ?? '', phone: details.phone ?? '' });
    setEditing(true);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    const changes = Object.fromEntries(
      (['name', 'email', 'phone'] as const)
        .filter((field) => form[field].trim() !== (details[field] ?? ''))
        .map((field) => [field, form[field].trim() === '' ? null : form[field].trim()]),
    );
    if (
      Object.keys(changes).length === 0 ||
      (await change(() => api.patch(path`/v1/contacts/${details.contactId}`, changes)))
    ) {
      setEditing(false);
    }
  };
  return (
    <section aria-labelledby="profile-title" class="panel-section">
      <h3 id="profile-title">Profile</h3>
      {editing ? (
        <form onSubmit={(event) => void save(event)} class="stack">
          {(['name', 'email', 'phone'] as const).map((field) => (
            <label key={field}>
              {field[0].toUpperCase() + field.slice(1)}
              <input
                type={field === 'email' ? 'email' : field === 'phone' ? 'tel' : 'text'}
                list={undefined}
                value={form[field]}
                onInput={(event) => setForm({ ...form, [field]: event.currentTarget.value })}
              />
            </label>
          ))}
          <div class="actions">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Save profile
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl class="facts">
            <dt>Name</dt>
            <dd>{details.name ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{details.email ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{details.phone ?? '—'}</dd>
            {details.identities.map((identity) => (
              <Fragment key={`${identity.channel}:${identity.address}`}>
                <dt>{identity.channel}</dt>
                <dd>{identity.address}</dd>
              </Fragment>
            ))}
            {Object.entries(details.attributes).map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </Fragment>
            ))}
            <dt>Messages</dt>
            <dd>
              {details.counters?.accepted ?? 0} delivered · {details.counters?.blocked ?? 0} dropped while
              blocked
            </dd>
            <dt>Customer since</dt>
            <dd>{fullTime(details.firstSeenAt ?? details.createdAt)}</dd>
          </dl>
          {canWrite && (
            <button type="button" onClick={edit}>
              Edit profile
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Tags({ api, catalog, details, canWrite, change }: SectionProps) {
  const [name, setName] = useState('');
  const tagsPath = path`/v1/contacts/${details.contactId}/tags`;
  const add = async (event: Event) => {
    event.preventDefault();
    const tag = name.trim();
    if (tag && (await change(() => api.post(tagsPath, { tags: [tag] })))) {
      setName('');
      catalog.reload();
    }
  };
  const available = catalog.tags.filter(
    (tag) => !details.tags.some((own) => own.toLowerCase() === tag.name.toLowerCase()),
  );
  return (
    <section aria-labelledby="tags-title" class="panel-section">
      <h3 id="tags-title">Tags</h3>
      <ul class="chips" aria-label="Tags on this customer">
        {details.tags.length === 0 && <li class="muted">No tags</li>}
        {details.tags.map((tag) => (
          <li key={tag}>
            <TagChip
              name={tag}
              catalog={catalog}
              onRemove={
                canWrite
                  ? () => void change(() => api.post(`${tagsPath}/remove`, { tags: [tag] }))
                  : undefined
              }
            />
          </li>
        ))}
      </ul>
      {canWrite && (
        <form onSubmit={(event) => void add(event)} class="inline-form">
          <label for="tag-input" class="visually-hidden">
            Add a tag
          </label>
          <input
            id="tag-input"
            list="tag-catalog"
            placeholder="Add a tag…"
            maxLength={64}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <datalist id="tag-catalog">
            {available.map((tag) => (
              <option key={tag.tagId} value={tag.name} />
            ))}
          </datalist>
          <button type="submit">Add tag</button>
        </form>
      )}
      {canWrite && available.length > 0 && (
        <div class="suggestions" role="group" aria-label="Tags from the catalog">
          {available.slice(0, 8).map((tag) => (
            <button
              key={tag.tagId}
              type="button"
              class="suggestion"
              style={{ borderColor: tag.colour }}
              onClick={() => void change(() => api.post(tagsPath, { tags: [tag.name] }))}
              aria-label={`Add tag ${tag.name}`}
            >
              <span class="swatch" style={{ background: tag.colour }} aria-hidden="true" />+ {tag.name}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

function Notes({ api, session, details, canWrite, change }: SectionProps) {
  const notesPath = path`/v1/contacts/${details.contactId}/notes`;
  const [notes, setNotes] = useState<Note[]>(details.recentNotes);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<{ noteId: string; body: string }>();
  // The recent notes in the details change when anyone writes one: read the list again then.
  const recentKey = details.recentNotes.map((note) => `${note.noteId}@${note.updatedAt}`).join();
  useEffect(() => {
    api.get<Page<Note>>(`${notesPath}?limit=50`).then(
      (page) => setNotes(page.items),
      () => setNotes(details.recentNotes),
    );
  }, [api, notesPath, recentKey]);
  const add = async (event: Event) => {
    event.preventDefault();
    if (draft.trim() && (await change(() => api.post(notesPath, { body: draft })))) {
      setDraft('');
    }
  };
  const saveEdit = async (event: Event) => {
    event.preventDefault();
    if (
      editing &&
      (await change(() =>
        api.patch(`${notesPath}/${encodeURIComponent(editing.noteId)}`, { body: editing.body }),
      ))
    ) {
      setEditing(undefined);
    }
  };
  const remove = (note: Note) => {
    if (confirm('Delete this note? The deletion is recorded in the activity.')) {
      void change(() => api.delete(`${notesPath}/${encodeURIComponent(note.noteId)}`));
    }
  };
  const mayEdit = (note: Note) => canWrite && (note.authorId === session.actorId || session.role === 'admin');
  return (
    <section aria-labelledby="notes-title" class="panel-section">
      <h3 id="notes-title">Notes</h3>
      {canWrite && (
        <form onSubmit={(event) => void add(event)} class="stack">
          <label for="note-input" class="visually-hidden">
            New note
          </label>
          <textarea
            id="note-input"
            rows={2}
            maxLength={10000}
            placeholder="Add a note for your team…"
            value={draft}
            onInput={(event) => setDraft(event.currentTarget.value)}
          />
          <button type="submit" disabled={!draft.trim()}>
            Add note
          </button>
        </form>
      )}
      <ul class="notes" aria-label="Notes">
        {notes.map((note) => (
          <li key={note.noteId} class="note">
            {editing?.noteId === note.noteId ? (
              <form onSubmit={(event) => void saveEdit(event)} class="stack">
                <label for={`edit-${note.noteId}`} class="visually-hidden">
                  Edit note
                </label>
                <textarea
                  id={`edit-${note.noteId}`}
                  rows={3}
                  value={editing.body}
                  onInput={(event) => setEditing({ noteId: note.noteId, body: event.currentTarget.value })}
                />
                <div class="actions">
                  <button type="button" onClick={() => setEditing(undefined)}>
                    Cancel
                  </button>
                  <button type="submit" class="primary">
                    Save note
                  </button>
                </div>
              </form>
            ) : (
              <>
                <p class="note-body">{note.body}</p>
                <p class="meta">
                  {note.authorId} · <time dateTime={note.createdAt}>{relativeTime(note.createdAt)}</time>
                  {note.editedBy && ` · edited by ${note.editedBy}`}
                </p>
                {mayEdit(note) && (
                  <div class="actions">
                    <button
                      type="button"
                      class="link"
                      onClick={() => setEditing({ noteId: note.noteId, body: note.body })}
                    >
                      Edit<span class="visually-hidden"> note</span>
                    </button>
                    <button type="button" class="link danger-text" onClick={() => remove(note)}>
                      Delete<span class="visually-hidden"> note</span>
                    </button>
                  </div>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const ACTIVITY_VERBS: Record<string, string> = {
  ContactCreated: 'created the contact',
  ContactUpdated: 'edited the profile',
  ContactBlocked: 'blocked',
  ContactUnblocked: 'unblocked',
  ContactTagged: 'tagged',
  ContactUntagged: 'removed a tag',
  NoteAdded: 'added a note',
  NoteEdited: 'edited a note',
  NoteDeleted: 'deleted a note',
};

function Activity({ entries }: { entries: ActivityEntry[] }) {
  return (
    <section aria-labelledby="activity-title" class="panel-section">
      <h3 id="activity-title">Activity</h3>
      <ol class="activity">
        {entries.length === 0 && <li class="muted">Nothing yet</li>}
        {entries.map((entry) => (
          <li key={entry.eventId}>
            <strong>{entry.actor.id}</strong> {ACTIVITY_VERBS[entry.type] ?? entry.type}
            {entry.details.reason && <> · reason: “{entry.details.reason}”</>}
            {entry.details.changedFields?.length ? <> ({entry.details.changedFields.join(', ')})</> : null}
            {entry.details.tags && entry.type === 'ContactTagged' && (
              <> · now: {entry.details.tags.join(', ')}</>
            )}
            <time dateTime={entry.occurredAt} title={fullTime(entry.occurredAt)}>
              {relativeTime(entry.occurredAt)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}
