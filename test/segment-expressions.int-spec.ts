import { MongoClient } from 'mongodb';
import { aTenantId, expectEventually, mintToken } from '@switchboard/testing';
import { identityKey } from '@switchboard/contracts';
import { aStoredContact } from './support/contacts-factory';
import {
  belongs,
  DAY_MS,
  type Attribute,
  type Definition,
  type Node,
  type Seeded,
} from './support/segment-reference';
import { http } from './support/http';
import { random } from './support/seeded-random';
import { restartContacts, startSystem, type System } from './support/system';

const TAGS = ['alpha', 'beta', 'gamma', 'delta', 'omega'];
const TAG_ODDS = [0.5, 0.35, 0.2, 0.1, 0.04];
const PLANS = ['free', 'pro', 'Pro Plus', 'enterprise'];
const NAME_WORDS = ['Ada', 'ann', 'ANNA', 'Bob', 'a.b', '(x)+', 'Zoë', 'c*d', 'Ünal', '[id]'];
const CONTACTS = 320;
const EXPRESSIONS = 160;

/** An ISO date-time between 2026 and 2028, on whole days, seconds or milliseconds. */
function anInstant(next: () => number): number {
  const start = Date.parse('2026-06-01T00:00:00Z');
  const instant = start + Math.floor(next() * 700) * DAY_MS;
  const roll = next();
  return roll < 0.4
    ? instant
    : roll < 0.7
      ? instant + Math.floor((next() * DAY_MS) / 1000) * 1000
      : instant + Math.floor(next() * DAY_MS);
}

/** A date attribute in one of the compared forms, or one that never compares (offset, junk). */
function aDateAttribute(next: () => number, instant: number): string {
  const iso = new Date(instant).toISOString();
  const roll = next();
  if (roll < 0.35) return iso.slice(0, 10);
  if (roll < 0.6) return `${iso.slice(0, 19)}Z`;
  if (roll < 0.85) return iso;
  if (roll < 0.93) return `${iso.slice(0, 19)}+02:00`;
  return 'soon';
}

/** A comparison operand: sometimes an attribute's own instant, in another form or offset. */
function aDateOperand(next: () => number, known: number[]): string {
  const instant = next() < 0.5 && known.length ? known[Math.floor(next() * known.length)] : anInstant(next);
  const nudged = instant + [0, 0, 1, -1, 500, -500, 1000][Math.floor(next() * 7)];
  const iso = new Date(nudged).toISOString();
  const roll = next();
  if (roll < 0.25 && nudged % DAY_MS === 0) return iso.slice(0, 10);
  if (roll < 0.5) {
    // The same instant at +02:00.
    const local = new Date(nudged + 2 * 3_600_000).toISOString();
    return `${local.slice(0, 23)}+02:00`;
  }
  return iso;
}

function seedContacts(next: () => number, now: number): { contacts: Seeded[]; instants: number[] } {
  const instants: number[] = [];
  const contacts = Array.from({ length: CONTACTS }, (_, index): Seeded => {
    const attributes: Record<string, Attribute> = {};
    if (next() < 0.85) attributes.plan = PLANS[Math.floor(next() * PLANS.length)];
    if (next() < 0.8) {
      const words = Array.from(
        { length: 1 + Math.floor(next() * 2) },
        () => NAME_WORDS[Math.floor(next() * NAME_WORDS.length)],
      );
      attributes.nickname = words.join(' ');
    }
    const seats = next();
    if (seats < 0.6) attributes.seats = Math.floor(next() * 20);
    else if (seats < 0.7) attributes.seats = Math.round(next() * 2000) / 100;
    else if (seats < 0.8) attributes.seats = String(Math.floor(next() * 20));
    if (next() < 0.75) {
      const instant = anInstant(next);
      instants.push(instant);
      attributes.renewsAt = aDateAttribute(next, instant);
    }
    if (next() < 0.5) attributes.trial = next() < 0.5;
    // Whole days plus half a day ago, so no day-boundary of "within N days" is near a message.
    const lastMessageAt =
      next() < 0.7 ? new Date(now - (Math.floor(next() * 120) * DAY_MS + DAY_MS / 2)) : undefined;
    return {
      contactId: `c_fuzz${String(index).padStart(4, '0')}`,
      tags: TAGS.filter((_, tag) => next() < TAG_ODDS[tag]),
      blocked: next() < 0.2,
      attributes,
      lastMessageAt,
    };
  });
  return { contacts, instants };
}

/** A random expression of at most `depth` levels; `budget` bounds its nodes. */
function anExpression(
  next: () => number,
  instants: number[],
  depth: number,
  budget: { nodes: number },
): Node {
  budget.nodes--;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const roll = next();
  if (depth > 1 && budget.nodes > 3 && roll < 0.35) {
    const size = 1 + Math.floor(next() * 4);
    const children = Array.from({ length: Math.min(size, budget.nodes) }, () =>
      anExpression(next, instants, depth - 1, budget),
    );
    return next() < 0.5 ? { and: children } : { or: children };
  }
  if (depth > 1 && budget.nodes > 1 && roll < 0.45) {
    return { not: anExpression(next, instants, depth - 1, budget) };
  }
  const kind = next();
  if (kind < 0.3) {
    const name = next() < 0.05 ? 'no-such-tag' : pick(TAGS);
    return { tag: next() < 0.3 ? name.toUpperCase() : name };
  }
  if (kind < 0.38) {
    return { blocked: next() < 0.5 };
  }
  if (kind < 0.5) {
    const days = pick([1, 7, 30, 45, 90, 200]);
    const test = next();
    return {
      lastMessageAt:
        test < 0.45 ? { withinDays: days } : test < 0.85 ? { olderThanDays: days } : { exists: next() < 0.5 },
    };
  }
  const attribute = pick(['plan', 'nickname', 'seats', 'renewsAt', 'trial', 'missing']);
  const test = next();
  if (test < 0.15) {
    return { attribute, exists: next() < 0.5 };
  }
  switch (attribute) {
    case 'plan':
      return test < 0.6
        ? { attribute, eq: pick(PLANS) }
        : { attribute, contains: pick(['pro', 'PRO', 'e', 'plus ']) };
    case 'nickname':
      return { attribute, contains: pick(['an', 'A.B', '(x)', '+', 'zoë', 'c*', '[', 'ün']) };
    case 'seats':
      return {
        attribute,
        [pick(['gt', 'gte', 'lt', 'lte'])]: next() < 0.2 ? pick([5, 10]) + 0.5 : Math.floor(next() * 20),
      };
    case 'trial':
      return { attribute, eq: next() < 0.5 };
    default:
      return next() < 0.2
        ? { attribute, eq: pick(['soon', 1]) }
        : { attribute, [pick(['gt', 'gte', 'lt', 'lte'])]: aDateOperand(next, instants) };
  }
}

function aDefinition(next: () => number, instants: number[]): Definition {
  const definition: Definition = {
    match: anExpression(next, instants, 1 + Math.floor(next() * 5), { nodes: 50 }),
  };
  // Sometimes the flat form beside it: both must hold.
  if (next() < 0.15) definition.all = [TAGS[Math.floor(next() * 3)]];
  if (next() < 0.15) definition.none = [TAGS[3 + Math.floor(next() * 2)]];
  if (next() < 0.1) definition.blocked = next() < 0.5;
  return definition;
}

describe('segment expressions (nested and/or/not of tags, block state, attributes and activity)', () => {
  const tenant = aTenantId();
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  const agent = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const viewer = mintToken({ tenant, sub: 'viewer-vic', role: 'viewer' });
  const seed = Number(process.env.SEGMENT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const now = Date.now();
  let system: System;
  let store: MongoClient;
  let seeded: Seeded[] = [];
  let instants: number[] = [];

  const url = (path: string) => `${system.gateway.url}/v1${path}`;
  const expected = (definition: Definition) =>
    seeded.filter((contact) => belongs(definition, contact, now)).map((contact) => contact.contactId);

  async function finishedJob(jobId: string) {
    return expectEventually(
      async () => {
        const job = await http('GET', url(`/jobs/${jobId}`), { token: viewer });
        expect(job.body.status).toBe('completed');
        return job.body;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  beforeAll(async () => {
    system = await startSystem();
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    const tagIds = new Map<string, string>();
    for (const name of TAGS) {
      const created = await http('POST', url('/tags'), { token: admin, body: { name } });
      expect(created.status).toBe(201);
      tagIds.set(name, created.body.tagId as string);
    }
    ({ contacts: seeded, instants } = seedContacts(random(seed), now));
    // Straight into the store, as the service keeps them: the test is about reading them back.
    const db = store.db(process.env.MONGODB_DB);
    await db.collection('contacts').insertMany(
      seeded.map(
        (contact, index) =>
          aStoredContact({
            tenantId: tenant,
            contactId: contact.contactId,
            identities: [{ channel: 'whatsapp', address: `+1415555${String(index).padStart(4, '0')}` }],
            attributes: contact.attributes,
            tags: contact.tags,
            tagIds: contact.tags.map((name) => tagIds.get(name)!),
            block: { blocked: contact.blocked },
          }) as never,
      ),
    );
    // Each sender identity's activity, as the ingest keeps it; every third contact also has an
    // older dropped message, so "last messaged before" must look at the newest of both.
    const activity = (contactId: string, address: string, status: string, at: Date) => ({
      _id: `${identityKey(tenant, 'whatsapp', address)}|${status}`,
      tenantId: tenant,
      contactId,
      status,
      count: 1,
      firstSeenAt: at,
      lastMessageAt: at,
      lastMessage: { messageId: `m-${contactId}-${status}`, channel: 'whatsapp', from: address },
      appliedOffset: 0,
    });
    await db.collection('identity_activity').insertMany(
      seeded.flatMap((contact, index) => {
        if (!contact.lastMessageAt) {
          return [];
        }
        const address = `+1415555${String(index).padStart(4, '0')}`;
        const older = new Date(contact.lastMessageAt.getTime() - 10 * 24 * 3_600_000);
        return [
          activity(contact.contactId, address, 'accepted', contact.lastMessageAt),
          ...(index % 3 === 0 ? [activity(contact.contactId, address, 'blocked', older)] : []),
        ];
      }) as never[],
    );
    // Written behind the service's back: a restart loads them, as after a deploy.
    await restartContacts(system);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await system?.stop();
  });

  it('previews every generated expression with the brute-force count, and a sample that matches', async () => {
    const next = random(seed ^ 0x5eed);
    const mismatches: object[] = [];
    let selective = 0;
    for (let index = 0; index < EXPRESSIONS; index++) {
      const definition = aDefinition(next, instants);
      const preview = await http('POST', url('/segments/preview'), { token: viewer, body: definition });
      const members = new Set(expected(definition));
      if (members.size > 0 && members.size < CONTACTS) {
        selective++;
      }
      const sample = ((preview.body?.sample ?? []) as { contactId: string }[]).map(
        (contact) => contact.contactId,
      );
      if (
        preview.status !== 200 ||
        preview.body.count !== members.size ||
        sample.length !== Math.min(10, members.size) ||
        sample.some((contactId) => !members.has(contactId))
      ) {
        mismatches.push({
          index,
          definition,
          status: preview.status,
          got: preview.body?.count ?? preview.body,
          expected: members.size,
        });
      }
    }
    if (mismatches.length > 0) {
      throw new Error(
        `seed ${seed} (rerun with SEGMENT_FUZZ_SEED=${seed}): ${mismatches.length} of ${EXPRESSIONS} previews differ from the brute force, first: ${JSON.stringify(mismatches.slice(0, 3))}`,
      );
    }
    // The generated expressions select something and not everything, mostly: they test something.
    expect(selective).toBeGreaterThan(EXPRESSIONS / 2);
  });

  it('keeps a saved nested segment dynamic, lists it page by page, and pins its tags across a rename', async () => {
    const definition: Definition = {
      match: {
        and: [
          { or: [{ tag: 'alpha' }, { attribute: 'plan', contains: 'PRO' }] },
          { not: { lastMessageAt: { withinDays: 30 } } },
          { not: { tag: 'gamma' } },
        ],
      },
    };
    const members = expected(definition);
    expect(members.length).toBeGreaterThan(0);
    const saved = await http('POST', url('/segments'), {
      token: agent,
      body: { name: 'Quiet pros', definition },
    });
    expect(saved.status).toBe(201);
    expect(saved.body.definition).toEqual(definition);
    const { segmentId } = saved.body;
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await http(
        'GET',
        url(`/contacts?segmentId=${segmentId}&limit=50${cursor ? `&cursor=${cursor}` : ''}`),
        {
          token: viewer,
        },
      );
      expect(page.status).toBe(200);
      listed.push(...page.body.items.map((contact: { contactId: string }) => contact.contactId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed.sort()).toEqual([...members].sort());

    const gamma = (await http('GET', url('/tags'), { token: viewer })).body.items.find(
      (tag: { name: string }) => tag.name === 'gamma',
    );
    const renamed = await http('PATCH', url(`/tags/${gamma.tagId}`), {
      token: admin,
      body: { name: 'gamma-two' },
    });
    await finishedJob(renamed.body.jobId);
    const savedPreview = await http('GET', url(`/segments/${segmentId}/preview`), { token: viewer });
    expect(savedPreview.body.count).toBe(members.length);
    // Inline, the old name now names no tag: `not gamma` holds for everyone.
    const inline = await http('POST', url('/segments/preview'), { token: viewer, body: definition });
    const withoutGamma = { match: { and: (definition.match as { and: Node[] }).and.slice(0, 2) } };
    expect(inline.body.count).toBe(expected(withoutGamma).length);
    for (const contact of seeded) {
      contact.tags = contact.tags.map((tag) => (tag === 'gamma' ? 'gamma-two' : tag));
    }
  });

  it('bulk-tags and sends a campaign to exactly the contacts of a nested segment', async () => {
    const definition: Definition = {
      match: {
        or: [
          { and: [{ tag: 'beta' }, { attribute: 'seats', gte: 10 }] },
          { and: [{ lastMessageAt: { exists: false } }, { attribute: 'renewsAt', lt: '2027-01-01' }] },
        ],
      },
    };
    const members = expected(definition);
    expect(members.length).toBeGreaterThan(0);
    const started = await http('POST', url('/bulk/tags'), {
      token: agent,
      body: { action: 'add', tags: ['nested-wave'], segment: definition },
    });
    expect(started.status).toBe(202);
    await finishedJob(started.body.jobId);
    const tagged = await http('POST', url('/segments/preview'), {
      token: viewer,
      body: { all: ['nested-wave'] },
    });
    expect(tagged.body.count).toBe(members.length);

    const created = await http('POST', url('/campaigns'), {
      token: admin,
      body: { name: 'Nested', message: { text: 'Hello' }, segment: definition, includeBlocked: true },
    });
    expect(created.status).toBe(202);
    const campaign = await expectEventually(async () => {
      const current = await http('GET', url(`/campaigns/${created.body.campaignId}`), { token: viewer });
      expect(current.body.status).toBe('dispatched');
      return current.body;
    });
    expect(campaign.counts).toEqual({ resolved: members.length, published: members.length, excluded: 0 });
  });

  it('answers a malformed expression with 400 and the field at fault', async () => {
    const tooDeep = { match: { not: { not: { not: { not: { not: { tag: 'alpha' } } } } } } };
    const deep = await http('POST', url('/segments/preview'), { token: viewer, body: tooDeep });
    expect(deep.status).toBe(400);
    expect(deep.body.errors).toContainEqual({
      field: 'match',
      messages: [expect.stringContaining('at most 5 levels')],
    });
    const twoKinds = await http('POST', url('/bulk/tags'), {
      token: agent,
      body: { action: 'add', tags: ['x'], segment: { match: { and: [{ tag: 'alpha', blocked: true }] } } },
    });
    expect(twoKinds.status).toBe(400);
    const badDate = await http('POST', url('/segments/preview'), {
      token: viewer,
      body: { match: { attribute: 'renewsAt', gt: '2027-01-01T10:00' } },
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors.map((error: { field: string }) => error.field)).toContain('match.gt');
    // Thousands of levels fit in a bulk request: refused before anything walks them recursively.
    const levels = 30_000;
    const hostile = `{"not":`.repeat(levels) + '{"tag":"alpha"}' + '}'.repeat(levels);
    const hostileBulk = await http('POST', url('/bulk/tags'), {
      token: agent,
      body: `{"action":"add","tags":["x"],"segment":{"match":${hostile}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(hostileBulk.status).toBe(400);
    expect(hostileBulk.body.detail).toContain('nests more than 64 levels');
  });
});
