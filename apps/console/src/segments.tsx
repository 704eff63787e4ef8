import { useEffect, useState } from 'preact/hooks';
import { path, type Api } from './api';
import type { Catalog } from './catalog';
import { contactTitle } from './format';
import type { Session } from './session';
import { TagChip } from './tag-chip';
import type { Campaign, Segment, SegmentDefinition, SegmentPreview } from './types';

type Clause = 'all' | 'any' | 'none';
const CLAUSES: { clause: Clause; label: string }[] = [
  { clause: 'all', label: 'Has all of' },
  { clause: 'any', label: 'Has any of' },
  { clause: 'none', label: 'Has none of' },
];

function definitionOf(tags: Record<Clause, string[]>, blocked: string): SegmentDefinition {
  return {
    ...(tags.all.length > 0 && { all: tags.all }),
    ...(tags.any.length > 0 && { any: tags.any }),
    ...(tags.none.length > 0 && { none: tags.none }),
    ...(blocked !== '' && { blocked: blocked === 'true' }),
  };
}

/** Build a tag expression, see its live count and sample, save it, start a campaign from it. */
export function SegmentsPage({ api, session, catalog }: { api: Api; session: Session; catalog: Catalog }) {
  const [tags, setTags] = useState<Record<Clause, string[]>>({ all: [], any: [], none: [] });
  const [blocked, setBlocked] = useState('');
  const [preview, setPreview] = useState<SegmentPreview & { blockedCount?: number }>();
  const [error, setError] = useState('');
  const [saved, setSaved] = useState<Segment[]>([]);
  const [name, setName] = useState('');
  const [notice, setNotice] = useState('');
  const definition = definitionOf(tags, blocked);
  const key = JSON.stringify(definition);

  const loadSaved = () =>
    void api.get<{ items: Segment[] }>('/v1/segments').then(
      (list) => setSaved(list.items),
      () => setSaved([]),
    );
  useEffect(loadSaved, [api]);

  // The live count: previewed a moment after the last change, with how many are blocked.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      const counting = [api.post<SegmentPreview>('/v1/segments/preview', definition)];
      if (definition.blocked === undefined) {
        counting.push(api.post<SegmentPreview>('/v1/segments/preview', { ...definition, blocked: true }));
      }
      Promise.all(counting).then(
        ([whole, blockedOnly]) => {
          if (current) {
            setError('');
            setPreview({ ...whole, blockedCount: blockedOnly?.count });
          }
        },
        (problem: Error) => current && setError(problem.message),
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, key]);

  const save = async (event: Event) => {
    event.preventDefault();
    setNotice('');
    try {
      await api.post('/v1/segments', { name: name.trim(), definition });
      setNotice(`Saved segment “${name.trim()}”.`);
      setName('');
      loadSaved();
    } catch (problem) {
      setNotice((problem as Error).message);
    }
  };

  return (
    <div class="segments">
      <section aria-labelledby="segments-title" class="card">
        <h1 id="segments-title">Segments</h1>
        <p class="muted">Combine tags to find customers; the count updates as you build.</p>
        {CLAUSES.map(({ clause, label }) => (
          <TagPicker
            key={clause}
            id={`clause-${clause}`}
            label={label}
            catalog={catalog}
            tags={tags[clause]}
            onChange={(next) => setTags({ ...tags, [clause]: next })}
          />
        ))}
        <label class="field">
          Block state
          <select value={blocked} onChange={(event) => setBlocked(event.currentTarget.value)}>
            <option value="">Blocked or not</option>
            <option value="false">Not blocked</option>
            <option value="true">Blocked only</option>
          </select>
        </label>
        <div class="preview" role="status" aria-live="polite">
          {error ? (
            <span class="error">{error}</span>
          ) : preview ? (
            <>
              <span class="count" data-testid="segment-count">
                {preview.count}
              </span>{' '}
              {preview.count === 1 ? 'contact' : 'contacts'}
              {preview.blockedCount !== undefined && preview.blockedCount > 0 && (
                <span class="muted"> · {preview.blockedCount} of them blocked</span>
              )}
            </>
          ) : (
            'Counting…'
          )}
        </div>
        {preview && preview.sample.length > 0 && (
          <ul class="sample" aria-label="Sample of matching contacts">
            {preview.sample.map((contact) => (
              <li key={contact.contactId}>
                <a href={`#/inbox/${encodeURIComponent(contact.contactId)}`}>{contactTitle(contact)}</a>
                {contact.block.blocked && <span class="blocked-marker">Blocked</span>}
                {contact.tags.map((tag) => (
                  <TagChip key={tag} name={tag} catalog={catalog} />
                ))}
              </li>
            ))}
          </ul>
        )}
        {session.role !== 'viewer' && (
          <form onSubmit={(event) => void save(event)} class="inline-form">
            <label for="segment-name">Segment name</label>
            <input
              id="segment-name"
              value={name}
              maxLength={100}
              onInput={(event) => setName(event.currentTarget.value)}
              required
            />
            <button type="submit">Save segment</button>
          </form>
        )}
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
      </section>
      <section aria-labelledby="saved-title" class="card">
        <h2 id="saved-title">Saved segments</h2>
        {saved.length === 0 && <p class="muted">None yet.</p>}
        <ul class="saved">
          {saved.map((segment) => (
            <li key={segment.segmentId}>
              <strong>{segment.name}</strong> <Expression definition={segment.definition} catalog={catalog} />
              <CampaignStarter api={api} session={session} segment={segment} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function Expression({ definition, catalog }: { definition: SegmentDefinition; catalog: Catalog }) {
  return (
    <span class="expression">
      {CLAUSES.filter(({ clause }) => definition[clause]?.length).map(({ clause, label }) => (
        <span key={clause}>
          {label.toLowerCase()}{' '}
          {definition[clause]!.map((tag) => (
            <TagChip key={tag} name={tag} catalog={catalog} />
          ))}
        </span>
      ))}
      {definition.blocked !== undefined && <span>{definition.blocked ? 'blocked only' : 'not blocked'}</span>}
    </span>
  );
}

function TagPicker({
  id,
  label,
  catalog,
  tags,
  onChange,
}: {
  id: string;
  label: string;
  catalog: Catalog;
  tags: string[];
  onChange: (tags: string[]) => void;
}) {
  const [text, setText] = useState('');
  const add = (event: Event) => {
    event.preventDefault();
    const tag = text.trim();
    if (tag && !tags.some((own) => own.toLowerCase() === tag.toLowerCase())) {
      onChange([...tags, tag]);
    }
    setText('');
  };
  return (
    <form class="clause" onSubmit={add} aria-labelledby={`${id}-label`}>
      <span id={`${id}-label`} class="clause-label">
        {label}
      </span>
      <span class="chips">
        {tags.map((tag) => (
          <TagChip
            key={tag}
            name={tag}
            catalog={catalog}
            onRemove={() => onChange(tags.filter((own) => own !== tag))}
          />
        ))}
      </span>
      <label for={`${id}-input`} class="visually-hidden">
        {label}: tag to add
      </label>
      <input
        id={`${id}-input`}
        list={`${id}-tags`}
        value={text}
        placeholder="tag…"
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <datalist id={`${id}-tags`}>
        {catalog.tags.map((tag) => (
          <option key={tag.tagId} value={tag.name} />
        ))}
      </datalist>
      <button type="submit">Add</button>
    </form>
  );
}

/** Starts a campaign to a saved segment; blocked contacts are left out and counted. */
function CampaignStarter({ api, session, segment }: { api: Api; session: Session; segment: Segment }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [campaign, setCampaign] = useState<Campaign>();
  const [error, setError] = useState('');
  useEffect(() => {
    if (!campaign || campaign.status === 'dispatched') {
      return;
    }
    const timer = setTimeout(
      () =>
        void api.get<Campaign>(path`/v1/campaigns/${campaign.campaignId}`).then(setCampaign, () => undefined),
      1_000,
    );
    return () => clearTimeout(timer);
  }, [api, campaign]);
  if (session.role !== 'admin') {
    return <span class="muted"> · campaigns need an admin token</span>;
  }
  const start = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      const created = await api.post<Campaign>('/v1/campaigns', {
        name: `${segment.name} campaign`,
        message: { text },
        segmentId: segment.segmentId,
      });
      setCampaign(created.campaignId ? created : undefined);
      setOpen(false);
    } catch (problem) {
      setError((problem as Error).message);
    }
  };
  return (
    <div class="campaign">
      {campaign && (
        <p role="status" class="notice">
          Campaign {campaign.status}: {campaign.counts.published} sent of {campaign.counts.resolved};{' '}
          <strong>{campaign.counts.excluded} blocked contacts excluded</strong>.
        </p>
      )}
      {open ? (
        <form onSubmit={(event) => void start(event)} class="stack">
          <label for={`campaign-${segment.segmentId}`}>Message to “{segment.name}”</label>
          <textarea
            id={`campaign-${segment.segmentId}`}
            rows={2}
            maxLength={4096}
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
            required
          />
          <div class="actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Send campaign
            </button>
          </div>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Start a campaign
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
