/**
 * bench:segments — the segment index on one tenant of 1,000,000 contacts: three very common
 * tags (40%, 25%, 15%) and a Zipf-like tail of 200, ~8% blocked, `plan`, `country` and `seats`
 * attributes, and a last message for 60% of them, spread over the last 120 days. Prints:
 *   1. the rebuild: the contacts service's start to ready, and the index load it reports;
 *   2. the index's memory per million contacts, measured on an index built in this process;
 *   3. preview latency p50/p99 through the gateway per kind of expression (tag-only,
 *      attributes, activity), with each one's count, against the goals;
 *   4. the same previews as the store queries they were before the index (through the MongoDB
 *      driver; with activity a lower bound, see `previewWithDriver`), and how many times slower
 *      that is at p50;
 *   5. a campaign to everyone (blocked excluded): recipients published per second, whether
 *      campaigns.dispatch holds exactly `published` records, and as the ceiling Kafka's own
 *      producer perf tool writing as many records of the same size;
 *   6. a summary of all of it.
 * The campaign goes first because it takes long and changes no contact. The seed is kept in its
 * own database and reused by later runs.
 *
 *   npm run bench:segments [-- --contacts 1000000 --runs 100 --driver-runs 1]
 *   (or BENCH_CONTACTS, BENCH_RUNS, BENCH_DRIVER_RUNS; --driver-runs 0 skips the store queries)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Kafka } from 'kafkajs';
import { MongoClient, type Db, type Filter } from 'mongodb';
import {
  contactKey,
  identityKey,
  tagNameKey,
  topicNames,
  topicSpecs,
  type CampaignView,
  type SegmentDefinition,
  type SegmentPreview,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { expectEventually } from '@switchboard/testing';
import { ContactSchema, type Contact } from '../apps/contacts/src/contacts/contact.schema';
import {
  IdentityActivitySchema,
  identityActivityId,
  type IdentityActivity,
} from '../apps/contacts/src/messages/identity-activity.schema';
import {
  indexedContactOf,
  TenantSegmentIndex,
} from '../apps/contacts/src/segments/index/tenant-segment-index';
import { INDEXED_FIELDS } from '../apps/contacts/src/contacts/contacts.repository';
import { activityConditions, type ActivityCondition } from '../apps/contacts/src/segments/segment-expression';
import {
  definitionTagNames,
  disjointParts,
  resolveSegment,
  segmentFilter,
  type ResolvedSegment,
  type TagLookup,
} from '../apps/contacts/src/segments/segment-query';
import { tagDocumentId, type Tag } from '../apps/contacts/src/tags/tag.schema';
import {
  aBenchToken,
  brokers,
  describeLatency,
  ensureLocalStack,
  memoryOf,
  mongoUri,
  percentile,
  postJson,
  producerPerformance,
  removeRun,
  root,
  secondsSince,
  seedContacts,
  seededRandom,
  startApi,
  totalEndOffset,
  type BenchApi,
  type SeedContactFields,
  type SeedTag,
} from './bench-support';

const { values: options } = parseArgs({
  options: {
    contacts: { type: 'string', default: process.env.BENCH_CONTACTS ?? '1000000' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '100' },
    'driver-runs': { type: 'string', default: process.env.BENCH_DRIVER_RUNS ?? '1' },
    database: { type: 'string', default: process.env.BENCH_DATABASE },
    /** Only the expressions whose label contains this. */
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    'skip-campaign': { type: 'boolean', default: process.env.BENCH_SKIP_CAMPAIGN === '1' },
  },
});
const CONTACTS = Number(options.contacts);
const RUNS = Number(options.runs);
/** Previews of each expression sent before the measured ones. */
const WARMUP_RUNS = 10;
const DRIVER_RUNS = Number(options['driver-runs']);
// Smaller runs get their own database: they never replace the full seed.
const DATABASE =
  options.database ?? (CONTACTS === 1_000_000 ? 'bench_segments' : `bench_segments_${CONTACTS}`);
const TENANT = 'bench-segments';
const PARTITIONS = 3;
const DAY_MS = 86_400_000;
const COMMON_TAGS = [
  { name: 'Customer', share: 0.4 },
  { name: 'Newsletter', share: 0.25 },
  { name: 'VIP', share: 0.15 },
];
const TAIL_TAGS = 200;
/** How many tail tags a contact carries: 0 to 3. */
const TAIL_COUNT_SHARES = [0.55, 0.3, 0.1, 0.05];
const CATALOG: SeedTag[] = [
  ...COMMON_TAGS.map((tag) => tag.name),
  ...Array.from({ length: TAIL_TAGS }, (_, rank) => `interest-${String(rank + 1).padStart(3, '0')}`),
].map((name, index) => ({ tagId: `t_seg_${index}`, name }));
/** Contacts with a last message, spread evenly over the `ACTIVITY_DAYS` before the seeding. */
const ACTIVITY_SHARE = 0.6;
const ACTIVITY_DAYS = 120;
/** The seed's collections; every other one holds a run's state (campaigns, recipients, jobs). */
const SEED_COLLECTIONS = new Set(['contacts', 'tags', 'identity_activity', 'seed']);
/** The marker in `seed` written once the activity is complete (older seeds have none). */
const ACTIVITY_MARKER = 'identity_activity';

type Kind = 'tag-only' | 'attributes' | 'activity';
/** The p99 a preview of each kind must stay within, through the gateway. */
const GOAL_P99_MS: Record<Kind, number> = { 'tag-only': 50, attributes: 200, activity: 200 };
/** Campaign recipients published per second. */
const FAN_OUT_GOAL_PER_SECOND = 50_000;

interface Expression {
  kind: Kind;
  label: string;
  definition: SegmentDefinition;
}

const EXPRESSIONS: Expression[] = [
  { kind: 'tag-only', label: 'two common tags (all)', definition: { all: ['customer', 'vip'] } },
  {
    kind: 'tag-only',
    label: 'nested and/or/not of tags',
    definition: {
      match: {
        and: [
          { or: [{ tag: 'newsletter' }, { tag: 'interest-001' }] },
          { not: { and: [{ tag: 'customer' }, { tag: 'vip' }] } },
        ],
      },
    },
  },
  {
    kind: 'tag-only',
    label: 'common tag, none another, not blocked',
    definition: { all: ['customer'], none: ['newsletter'], blocked: false },
  },
  {
    kind: 'tag-only',
    label: 'any of three tail tags',
    definition: { any: ['interest-040', 'interest-120', 'interest-200'] },
  },
  {
    kind: 'attributes',
    label: 'tag and attribute',
    definition: { all: ['newsletter'], attributes: { plan: 'pro' } },
  },
  {
    kind: 'attributes',
    label: 'attribute contains',
    definition: { match: { attribute: 'plan', contains: 'PR' } },
  },
  {
    kind: 'attributes',
    label: 'numeric attribute comparison',
    definition: { match: { attribute: 'seats', gte: 40 } },
  },
  {
    kind: 'activity',
    label: 'messaged within 30 days',
    definition: { match: { lastMessageAt: { withinDays: 30 } } },
  },
  {
    kind: 'activity',
    label: 'tag and messaged within 30 days',
    definition: { all: ['vip'], match: { lastMessageAt: { withinDays: 30 } } },
  },
];

const contactId = (index: number) => `c_seg_${index}`;
/** The contact's one WhatsApp address: its identity, and the key of its activity. */
const addressOf = (index: number) => `+1${String(5_000_000_000 + index)}`;
const counted = (value: number) => value.toLocaleString('en-US');
const milliseconds = (value: number) => `${counted(Math.round(value))} ms`;
const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Zipf (s = 1) over the tail: the k-th tag is drawn in proportion to 1/k. */
const tailCumulative = (() => {
  const weights = Array.from({ length: TAIL_TAGS }, (_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let cumulative = 0;
  return weights.map((weight) => (cumulative += weight / total));
})();

function drawShare(random: () => number, shares: number[]): number {
  let remaining = random();
  for (const [index, share] of shares.entries()) {
    remaining -= share;
    if (remaining < 0) {
      return index;
    }
  }
  return shares.length - 1;
}

function contactFields(random: () => number, index: number): SeedContactFields {
  const tags = COMMON_TAGS.flatMap((tag, common) => (random() < tag.share ? [common] : []));
  const tailCount = drawShare(random, TAIL_COUNT_SHARES);
  for (let drawn = 0; drawn < tailCount; drawn++) {
    const draw = random();
    const tail = COMMON_TAGS.length + tailCumulative.findIndex((cumulative) => draw < cumulative);
    if (!tags.includes(tail)) {
      tags.push(tail);
    }
  }
  const blocked = random() < 0.08;
  const plan = ['free', 'pro', 'enterprise'][drawShare(random, [0.6, 0.3, 0.1])];
  const createdAt = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 700) * DAY_MS);
  const version = 1 + tags.length + (blocked ? 1 : 0);
  return {
    identities: [{ channel: 'whatsapp', address: addressOf(index) }],
    name: `Customer ${index}`,
    email: `customer${index}@example.com`,
    attributes: {
      plan,
      country: ['US', 'GB', 'DE', 'BR', 'IN', 'MX'][index % 6],
      seats: 1 + (index % 50),
    },
    tags,
    block: blocked
      ? { blocked: true, blockedAt: createdAt, blockedBy: 'agent-1', reason: 'spam' }
      : { blocked: false },
    // One applied command per change, as the contacts service remembers them.
    version,
    appliedCommandIds: Array.from({ length: version }, () => randomUUID()),
    createdAt,
    updatedAt: createdAt,
  };
}

/** The activity document of a contact that wrote at `at`, as the ingest keeps it. */
function activityOf(index: number, at: Date): IdentityActivity {
  const address = addressOf(index);
  return {
    _id: identityActivityId(identityKey(TENANT, 'whatsapp', address), 'accepted'),
    tenantId: TENANT,
    contactId: contactId(index),
    status: 'accepted',
    count: 1,
    firstSeenAt: at,
    lastMessageAt: at,
    lastMessage: {
      messageId: `m_seg_${index}`,
      channel: 'whatsapp',
      from: address,
      type: 'text',
      content: { text: 'Hi, is my order on its way?' },
      sentAt: at.toISOString(),
      status: 'accepted',
    },
    // The ingest's position; the bench never runs an ingest over these documents.
    appliedAt: 'bench-seed/0',
    appliedOffset: 0,
  };
}

/**
 * One `accepted` activity document for `ACTIVITY_SHARE` of the contacts, last messages spread
 * evenly over the `ACTIVITY_DAYS` before `seededAt`; the marker goes last. Returns how many.
 */
async function seedActivity(database: Db, seededAt: Date): Promise<number> {
  const random = seededRandom(11);
  const activity = database.collection<IdentityActivity>('identity_activity');
  let written = 0;
  for (let start = 0; start < CONTACTS; start += 5_000) {
    const documents: IdentityActivity[] = [];
    for (let index = start; index < Math.min(CONTACTS, start + 5_000); index++) {
      const messaged = random() < ACTIVITY_SHARE;
      const ago = random() * ACTIVITY_DAYS * DAY_MS;
      if (messaged) {
        documents.push(activityOf(index, new Date(seededAt.getTime() - ago)));
      }
    }
    await activity.insertMany(documents, { ordered: false });
    written += documents.length;
  }
  await database
    .collection<{ _id: string; documents: number; seededAt: Date }>('seed')
    .insertOne({ _id: ACTIVITY_MARKER, documents: written, seededAt });
  return written;
}

async function seed(database: Db): Promise<void> {
  const lastTag = CATALOG[CATALOG.length - 1];
  // FerretDB counts by reading every document: probe the last contact and the catalog (written last).
  const complete =
    (await database
      .collection<{ _id: string }>('contacts')
      .findOne({ _id: `${TENANT}:${contactId(CONTACTS - 1)}` })) !== null &&
    (await database
      .collection<{ _id: string }>('tags')
      .findOne({ _id: tagDocumentId(TENANT, lastTag.tagId) })) !== null;
  if (complete) {
    console.log(`  seed: reusing ${counted(CONTACTS)} contacts in database ${DATABASE}`);
  } else {
    await database.dropDatabase();
    const startedAt = Date.now();
    const random = seededRandom(7);
    await seedContacts(database, {
      tenantId: TENANT,
      count: CONTACTS,
      catalog: CATALOG,
      contactId,
      fieldsOf: (index) => contactFields(random, index),
    });
    console.log(`  seed: ${counted(CONTACTS)} contacts and their catalog in ${secondsSince(startedAt)}`);
  }
  const markers = database.collection<{ _id: string; documents: number; seededAt: Date }>('seed');
  let marker = await markers.findOne({ _id: ACTIVITY_MARKER });
  if (!marker) {
    // A seed from before the activity, or one cut short while writing it.
    if ((await database.listCollections({ name: 'identity_activity' }).toArray()).length > 0) {
      await database.dropCollection('identity_activity');
    }
    const startedAt = Date.now();
    const seededAt = new Date();
    const documents = await seedActivity(database, seededAt);
    console.log(`  seed: ${counted(documents)} identity activity documents in ${secondsSince(startedAt)}`);
    marker = { _id: ACTIVITY_MARKER, documents, seededAt };
  }
  const usage = new Map(
    (await database.collection<Tag>('tags').find({ tenantId: TENANT }).toArray()).map((tag) => [
      tag.name,
      tag.usage,
    ]),
  );
  const share = (name: string) =>
    `${name} ${counted(usage.get(name) ?? 0)} (${((100 * (usage.get(name) ?? 0)) / CONTACTS).toFixed(2)}%)`;
  console.log(
    `  catalog: ${[...COMMON_TAGS.map((tag) => tag.name), 'interest-001', 'interest-010', 'interest-040', 'interest-120', 'interest-200'].map(share).join(', ')}`,
  );
  // "Within N days" counts from now: they shrink as a reused seed ages.
  const age = (Date.now() - new Date(marker.seededAt).getTime()) / DAY_MS;
  console.log(
    `  activity: ${counted(marker.documents)} contacts with a last message over the ${ACTIVITY_DAYS} days before ${new Date(marker.seededAt).toISOString()} (${age.toFixed(1)} days ago)`,
  );
}

/** Drops what earlier runs left next to the seed (campaigns, their recipients, jobs, outcomes). */
async function dropRunState(database: Db): Promise<void> {
  for (const { name } of await database.listCollections({}, { nameOnly: true }).toArray()) {
    if (!SEED_COLLECTIONS.has(name)) {
      await database.dropCollection(name);
    }
  }
}

// `gc()` for this process: the flag holds for contexts created after it is set.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Retained {
  heap: number;
  /** Typed arrays' buffers: the index's bitsets, columns and dictionaries. */
  arrayBuffers: number;
}

/**
 * What the heap and the array buffers hold once garbage is collected. Array buffers are freed
 * after a collection, off the main thread: collected again after a pause, their count settles.
 */
async function retainedBytes(): Promise<Retained> {
  for (let pass = 0; pass < 3; pass++) {
    collectGarbage();
    await new Promise((resolvePause) => setTimeout(resolvePause, 20));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, arrayBuffers };
}

/**
 * A fresh index of the seeded tenant, read from the store as `SegmentIndex.load` reads it (the
 * projection of `ContactsRepository.scanForIndex`, then every last message): the bytes it
 * keeps after a forced collection, and how long building it here took.
 */
async function measureIndexMemory(database: Db): Promise<Retained & { contacts: number; seconds: number }> {
  const before = await retainedBytes();
  const startedAt = Date.now();
  const index = new TenantSegmentIndex();
  const contacts = database
    .collection<Contact>('contacts')
    .find({}, { projection: INDEXED_FIELDS, batchSize: 1_000 });
  for await (const contact of contacts) {
    index.apply(indexedContactOf(contact));
  }
  const activity = database
    .collection<IdentityActivity>('identity_activity')
    .find({}, { projection: { tenantId: 1, contactId: 1, lastMessageAt: 1 }, batchSize: 1_000 });
  for await (const { contactId: id, lastMessageAt } of activity) {
    index.noteLastMessage(id, new Date(lastMessageAt).getTime());
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const after = await retainedBytes();
  // Read after the measurement, so the index is still held while it is taken.
  return {
    heap: after.heap - before.heap,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    contacts: index.size,
    seconds,
  };
}

/** The contacts service's metrics: one sample's value by name (NaN when absent). */
async function metricsOf(contactsUrl: string): Promise<(name: string) => number> {
  const text = await (await fetch(`${contactsUrl}/metrics`)).text();
  return (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/** The contacts service's own preview timer (`switchboard_segment_preview_seconds`). */
async function previewTimer(contactsUrl: string): Promise<{ count: number; sumSeconds: number }> {
  const value = await metricsOf(contactsUrl);
  return {
    count: value('switchboard_segment_preview_seconds_count'),
    sumSeconds: value('switchboard_segment_preview_seconds_sum'),
  };
}

/**
 * The contacts whose activity meets `condition`, as `_id`s, read from `identity_activity` as
 * `IdentityActivityRepository.contactKeysWith` reads them.
 */
async function contactKeysWith(database: Db, condition: ActivityCondition): Promise<string[]> {
  const contactsWhere = async (filter: Filter<IdentityActivity>) => {
    const found = await database
      .collection<IdentityActivity>('identity_activity')
      .find({ tenantId: TENANT, ...filter }, { projection: { contactId: 1 } })
      .toArray();
    return new Set(found.map((doc) => doc.contactId));
  };
  const keys = (ids: Iterable<string>) => [...ids].map((id) => contactKey(TENANT, id));
  if (condition.messaged === 'ever') {
    return keys(await contactsWhere({}));
  }
  const since = await contactsWhere({ lastMessageAt: { $gte: new Date(condition.at) } });
  if (condition.messaged === 'since') {
    return keys(since);
  }
  const before = await contactsWhere({ lastMessageAt: { $lt: new Date(condition.at) } });
  return keys([...before].filter((id) => !since.has(id)));
}

/**
 * The old path's first step: each activity condition's contacts looked up, as
 * `SegmentResolver.activityOf` did; returns how many conditions there were.
 */
async function lookUpActivity(database: Db, segment: ResolvedSegment): Promise<number> {
  const conditions = segment.match ? activityConditions(segment.match) : [];
  await Promise.all(conditions.map((condition) => contactKeysWith(database, condition)));
  return conditions.length;
}

/**
 * The segment without its activity tests, for the approximation of the old path (see
 * `previewWithDriver`). This bench's expressions test activity only at the top of `match`.
 */
function withoutActivity(segment: ResolvedSegment): ResolvedSegment {
  const rest = segment.match
    ? ('and' in segment.match ? segment.match.and : [segment.match]).filter((node) => !('messaged' in node))
    : [];
  return { ...segment, match: rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : { and: rest } };
}

/**
 * The preview as the service made it before the index, with the driver: the catalog lookups,
 * the activity lookups, then count and sample of the same filters at once. With activity it is
 * an approximation, a lower bound: the old path tested it as `_id $in` the looked-up contacts,
 * which FerretDB checks by going through the list for every contact (hours at a million
 * contacts), so after the lookups the count and sample here leave the activity test out.
 */
async function previewWithDriver(
  database: Db,
  definition: SegmentDefinition,
): Promise<{ count: number; approximate: boolean }> {
  const tags = await Promise.all(
    [...new Set(definitionTagNames(definition).map(tagNameKey))].map((nameKey) =>
      database.collection<Tag>('tags').findOne({ tenantId: TENANT, nameKey }),
    ),
  );
  const lookup = new Map<string, TagLookup>(
    tags.filter((tag) => tag !== null).map((tag) => [tag.nameKey, { tagId: tag.tagId, usage: tag.usage }]),
  );
  const segment = resolveSegment(definition, lookup);
  if (segment.matchesNothing) {
    return { count: 0, approximate: false };
  }
  const approximate = (await lookUpActivity(database, segment)) > 0;
  const queried = approximate ? withoutActivity(segment) : segment;
  // One query, or disjoint parts for `any` of several tags, as the service made them.
  const filters = (disjointParts(queried) ?? [queried]).map(
    (part) => segmentFilter(TENANT, part) as Filter<Contact>,
  );
  const contacts = database.collection<Contact>('contacts');
  const [counts] = await Promise.all([
    Promise.all(filters.map((filter) => contacts.countDocuments(filter))),
    Promise.all(filters.map((filter) => contacts.find(filter).limit(10).toArray())),
  ]);
  return { count: counts.reduce((sum, count) => sum + count, 0), approximate };
}

/**
 * The contacts service builds the store's indexes in the background at boot: the store
 * queries are timed after them.
 */
async function untilStoreIndexed(database: Db): Promise<void> {
  const expected = [
    { collection: 'contacts', indexes: ContactSchema.indexes().length + 1 },
    { collection: 'identity_activity', indexes: IdentityActivitySchema.indexes().length + 1 },
  ];
  await expectEventually(
    async () => {
      for (const { collection, indexes } of expected) {
        const built = (await database.collection(collection).listIndexes().toArray()).length;
        if (built < indexes) {
          throw new Error(`${built} of ${indexes} ${collection} indexes built`);
        }
      }
    },
    { timeoutMs: 1_800_000, intervalMs: 1_000 },
  );
}

interface PreviewFigures {
  expression: Expression;
  count: number;
  gateway: number[];
  service: number[];
  /** `status × times`, when any answer was not a 200. */
  failures: string;
  /** The counts the gateway answered, when they were not all one. */
  disagreement: string;
  driver: number[];
  /** What the store queries counted; without the activity test when `approximate`. */
  driverCount?: number;
  approximate: boolean;
}

/**
 * `RUNS` previews of one expression through the gateway (after WARMUP_RUNS unmeasured ones),
 * each timed there and by the contacts service's own timer, then `DRIVER_RUNS` of the same
 * preview as store queries.
 */
async function measurePreview(api: BenchApi, database: Db, expression: Expression): Promise<PreviewFigures> {
  const viewer = aBenchToken(TENANT, 'viewer');
  const gateway: number[] = [];
  const service: number[] = [];
  const statuses = new Map<number, number>();
  const counts = new Set<number>();
  // Unmeasured first: the first previews of an expression warm the JIT, the pools and the
  // store's caches, which is not what an agent building a segment sees.
  for (let run = 1; run <= WARMUP_RUNS; run++) {
    await (await postJson(`${api.gateway.url}/v1/segments/preview`, viewer, expression.definition)).text();
  }
  for (let run = 1; run <= RUNS; run++) {
    const before = await previewTimer(api.contacts.url);
    const startedAt = performance.now();
    const response = await postJson(`${api.gateway.url}/v1/segments/preview`, viewer, expression.definition);
    const body = (await response.json()) as SegmentPreview & { detail?: string };
    gateway.push(performance.now() - startedAt);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status === 200) {
      counts.add(body.count);
    } else if (response.status !== 503) {
      throw new Error(`preview answered ${response.status}: ${JSON.stringify(body)}`);
    }
    // The contacts service goes on after a gateway timeout: wait for it, so runs never overlap.
    const after = await expectEventually(
      async () => {
        const timer = await previewTimer(api.contacts.url);
        if (timer.count <= before.count) {
          throw new Error('the contacts service is still on the preview');
        }
        return timer;
      },
      { timeoutMs: 1_800_000, intervalMs: 50 },
    );
    service.push((after.sumSeconds - before.sumSeconds) * 1000);
  }
  const driver: number[] = [];
  let driverCount: number | undefined;
  let approximate = false;
  for (let run = 1; run <= DRIVER_RUNS; run++) {
    const startedAt = performance.now();
    ({ count: driverCount, approximate } = await previewWithDriver(database, expression.definition));
    driver.push(performance.now() - startedAt);
  }
  for (const latencies of [gateway, service, driver]) {
    latencies.sort((left, right) => left - right);
  }
  const [count = Number.NaN] = counts;
  return {
    expression,
    count,
    gateway,
    service,
    failures: [...statuses]
      .filter(([status]) => status !== 200)
      .map(([status, times]) => `${times} × ${status}`)
      .join(', '),
    disagreement: counts.size > 1 ? `the gateway answered ${[...counts].map(counted).join(', ')}` : '',
    driver,
    driverCount,
    approximate,
  };
}

/** Whether the gateway's p99 for the expression is within its kind's goal, every answer a 200. */
function goalMet(figures: PreviewFigures): boolean {
  return figures.failures === '' && percentile(figures.gateway, 0.99) <= GOAL_P99_MS[figures.expression.kind];
}

const verdict = (met: boolean) => (met ? 'goal met' : 'goal missed');

/** The store queries' p50 over the index's through the gateway; empty without store queries. */
function driverRatio(figures: PreviewFigures): string {
  return figures.driver.length === 0
    ? ''
    : `×${counted(Math.round(percentile(figures.driver, 0.5) / percentile(figures.gateway, 0.5)))}`;
}

function describePreview(figures: PreviewFigures): string[] {
  const { expression, count, driver, driverCount, approximate } = figures;
  const agreement =
    driverCount === undefined
      ? ''
      : approximate
        ? ` (the store queries count ${counted(driverCount)} without the activity test)`
        : driverCount === count
          ? ' (the store queries agree)'
          : ` (the store queries count ${counted(driverCount)})`;
  const oldPath = approximate
    ? 'approximately the old path: activity lookup, then driver count and sample without the activity test — a lower bound'
    : 'the old path: driver count and sample';
  return [
    `  [${expression.kind}] ${expression.label} ${JSON.stringify(expression.definition)}`,
    `    count ${counted(count)}${agreement}${figures.disagreement ? `; ${figures.disagreement}` : ''}`,
    `    gateway preview   ${describeLatency(figures.gateway)} over ${figures.gateway.length} runs${figures.failures ? ` (${figures.failures})` : ''}; goal p99 ≤ ${GOAL_P99_MS[expression.kind]} ms: ${verdict(goalMet(figures))}`,
    `    contacts service  ${describeLatency(figures.service)} (its own timer, switchboard_segment_preview_seconds)`,
    driver.length === 0
      ? '    store queries     skipped (--driver-runs 0)'
      : `    store queries     ${driver.length === 1 ? milliseconds(driver[0]) : describeLatency(driver)} over ${driver.length} run${driver.length === 1 ? '' : 's'} (${oldPath}); ${driverRatio(figures)} the gateway preview at p50`,
  ];
}

/** One aligned line per expression, for the summary; `≥` marks the approximated store path. */
function previewRow(figures: PreviewFigures): string {
  const { expression, driver } = figures;
  const p = (fraction: number) => `${percentile(figures.gateway, fraction).toFixed(1)} ms`.padStart(9);
  const goal = `≤ ${GOAL_P99_MS[expression.kind]} ms ${verdict(goalMet(figures))}`;
  const bound = figures.approximate ? '≥ ' : '';
  const store =
    driver.length === 0
      ? 'store —'
      : `store ${`${bound}${milliseconds(percentile(driver, 0.5))}`.padStart(12)} ${`${bound}${driverRatio(figures)}`.padStart(9)}`;
  return `    ${expression.kind.padEnd(10)} ${expression.label.padEnd(38)} ${counted(figures.count).padStart(9)}  p50 ${p(0.5)}  p99 ${p(0.99)}  ${goal.padEnd(22)} ${store}`;
}

interface CampaignFigures {
  lines: string[];
  published: number;
  ratePerSecond: number;
  records: number;
}

/** A campaign to every contact, blocked ones excluded, followed until `dispatched`. */
async function measureCampaign(api: BenchApi, kafka: Kafka, dispatchTopic: string): Promise<CampaignFigures> {
  console.log('  campaign to everyone, blocked contacts excluded');
  const admin = aBenchToken(TENANT, 'admin');
  const read = async <T>(path: string) =>
    (await (
      await fetch(`${api.gateway.url}${path}`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as T;
  const name = `bench ${dispatchTopic}`;
  const requestedAt = Date.now();
  const response = await postJson(`${api.gateway.url}/v1/campaigns`, admin, {
    name,
    message: { text: 'Our summer sale starts today: 20% off everything.' },
    segment: {},
  });
  const created = (await response.json()) as Partial<CampaignView> & { commandId?: string };
  if (response.status !== 202) {
    throw new Error(`campaign creation answered ${response.status}: ${JSON.stringify(created)}`);
  }
  // A late outcome answers with the command instead of the campaign: find it by its name.
  const campaignId =
    created.campaignId ??
    (await expectEventually(
      async () => {
        const { items } = await read<{ items: CampaignView[] }>('/v1/campaigns');
        const campaign = items.find((item) => item.name === name);
        if (!campaign) {
          throw new Error(`campaign ${name} not created yet`);
        }
        return campaign.campaignId;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    ));
  console.log(`    202 in ${secondsSince(requestedAt)}: ${campaignId}`);
  let reportedAt = Date.now();
  const campaign = await expectEventually(
    async () => {
      const current = await read<CampaignView>(`/v1/campaigns/${campaignId}`);
      if (current.status !== 'dispatched') {
        if (Date.now() - reportedAt >= 15_000) {
          reportedAt = Date.now();
          console.log(
            `    ${secondsSince(requestedAt)}: ${current.status}, ${counted(current.counts.published)} published, ${counted(current.counts.excluded)} excluded`,
          );
        }
        throw new Error(`campaign ${campaignId} is ${current.status}`);
      }
      return current;
    },
    { timeoutMs: 3_600_000, intervalMs: 1_000 },
  );
  const observedSeconds = (Date.now() - requestedAt) / 1000;
  // The dispatch job is created with the campaign: its run is inside created → dispatched.
  const serverSeconds = (Date.parse(campaign.dispatchedAt!) - Date.parse(campaign.createdAt)) / 1000;
  const records = await totalEndOffset(kafka, [dispatchTopic]);
  const { resolved, published, excluded } = campaign.counts;
  const ratePerSecond = published / serverSeconds;
  return {
    published,
    ratePerSecond,
    records,
    lines: [
      `  campaign to everyone (blocked excluded): dispatched ${observedSeconds.toFixed(1)} s after the request (created → dispatched ${serverSeconds.toFixed(1)} s)`,
      `    counts resolved ${counted(resolved)}, published ${counted(published)}, excluded ${counted(excluded)}`,
      `    fan-out ${counted(Math.round(ratePerSecond))} recipients published/s (${counted(Math.round(resolved / serverSeconds))} contacts resolved/s)`,
      `    ${dispatchTopic}: ${counted(records)} records, ${records === published ? 'equal to published' : `NOT equal to published (${counted(records - published)} more)`}`,
    ],
  };
}

/** The average bytes (key, value and headers) of the first batch of records `topic` holds. */
async function averageRecordBytes(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-sample-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const sizes = await new Promise<number[]>((resolveSizes, reject) => {
      const timer = setTimeout(() => reject(new Error(`no records read from ${topic}`)), 60_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          clearTimeout(timer);
          resolveSizes(
            batch.messages.map(
              ({ key, value, headers }) =>
                (key?.length ?? 0) +
                (value?.length ?? 0) +
                Object.entries(headers ?? {}).reduce(
                  (sum, [header, content]) => sum + header.length + String(content ?? '').length,
                  0,
                ),
            ),
          );
          await Promise.resolve();
        },
      });
    });
    return Math.round(sizes.reduce((sum, size) => sum + size, 0) / sizes.length);
  } finally {
    await consumer.disconnect();
  }
}

/** Kafka's producer perf tool on as many records of the dispatch records' size: the fan-out's ceiling. */
async function measureCeiling(kafka: Kafka, prefix: string, dispatchTopic: string, records: number) {
  const recordBytes = await averageRecordBytes(kafka, dispatchTopic);
  const perfTopic = `${prefix}perf`;
  await ensureTopics(kafka, [{ name: perfTopic, partitions: PARTITIONS, config: {} }]);
  console.log(
    `  producer perf tool: ${counted(records)} records of ${recordBytes} bytes to ${perfTopic}, acks=all`,
  );
  return { recordBytes, ratePerSecond: producerPerformance(perfTopic, records, recordBytes) };
}

function campaignLines(
  campaign: CampaignFigures,
  ceiling: { recordBytes: number; ratePerSecond: number },
): string[] {
  const goal = FAN_OUT_GOAL_PER_SECOND;
  return [
    ...campaign.lines,
    `    ceiling: Kafka's producer perf tool ${counted(Math.round(ceiling.ratePerSecond))} records/s (${counted(campaign.published)} records of ${ceiling.recordBytes} bytes, acks=all, ${PARTITIONS} partitions); fan-out / ceiling ${(campaign.ratePerSecond / ceiling.ratePerSecond).toFixed(2)}`,
    `    goal ≥ ${counted(goal)} recipients/s: ${verdict(campaign.ratePerSecond >= goal)}`,
  ];
}

const loadAverage = () => loadavg()[0].toFixed(2);

/** The commit the services run from (spawned from source), `-dirty` with uncommitted changes. */
const codeVersion = () =>
  execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).trim();

async function main(): Promise<void> {
  const benchStartedAt = Date.now();
  const loadAtStart = loadAverage();
  ensureLocalStack();
  console.log(
    `bench:segments — the segment index on ${counted(CONTACTS)} contacts, ${RUNS} previews and ${DRIVER_RUNS} store queries per expression (database ${DATABASE}, code ${codeVersion()})`,
  );
  const client = await MongoClient.connect(mongoUri());
  const database = client.db(DATABASE);
  await seed(database);
  await dropRunState(database);

  // Before the services start: they would share the store and the CPU with it.
  const memory = await measureIndexMemory(database);
  const perMillion = (bytes: number) => mebibytes((bytes / memory.contacts) * 1_000_000);
  const memoryLines = [
    `  index memory: ${perMillion(memory.heap + memory.arrayBuffers)} per million contacts (heap ${perMillion(memory.heap)}, array buffers ${perMillion(memory.arrayBuffers)}; ${Math.round((memory.heap + memory.arrayBuffers) / memory.contacts)} bytes a contact), kept by a fresh index of ${counted(memory.contacts)} contacts after forced GCs; built in this process in ${memory.seconds.toFixed(1)} s`,
  ];
  console.log(memoryLines[0]);

  const prefix = `benchsegments-${Date.now().toString(36)}.`;
  const kafka = createKafkaClient('bench-segments', brokers());
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, PARTITIONS));
  const api = await startApi(
    prefix,
    { TOPIC_PREFIX: prefix, MONGODB_DB: DATABASE, LOG_LEVEL: 'warn' },
    { contactsReadyTimeoutMs: 1_800_000 },
  );
  try {
    const metric = await metricsOf(api.contacts.url);
    const rss = memoryOf(api.contacts.child.pid!);
    const rebuildLines = [
      `  rebuild: contacts service start → ready ${api.contactsReadySeconds.toFixed(1)} s (transpiling and booting included); index load ${metric('switchboard_segment_index_load_seconds').toFixed(1)} s (switchboard_segment_index_load_seconds), ${counted(metric('switchboard_segment_index_contacts'))} contacts`,
      `    contacts service RSS once ready ${rss.rssMiB.toFixed(0)} MiB (peak ${rss.peakMiB.toFixed(0)} MiB)`,
    ];
    for (const line of rebuildLines) {
      console.log(line);
    }
    const indexedAt = Date.now();
    await untilStoreIndexed(database);
    console.log(`  store indexes built ${secondsSince(indexedAt)} after ready`);

    // The campaign first: it changes no contact, and its figure is the longest to get.
    let fanOutLines = ['  campaign skipped (--skip-campaign)'];
    if (!options['skip-campaign']) {
      const campaign = await measureCampaign(api, kafka, topics.campaignDispatch);
      for (const line of campaign.lines) {
        console.log(line);
      }
      fanOutLines = campaignLines(
        campaign,
        await measureCeiling(kafka, prefix, topics.campaignDispatch, campaign.published),
      );
      for (const line of fanOutLines.slice(campaign.lines.length)) {
        console.log(line);
      }
    }
    const loadBeforePreviews = loadAverage();
    const previews: PreviewFigures[] = [];
    for (const expression of EXPRESSIONS.filter(({ label }) => label.includes(options.only))) {
      const figures = await measurePreview(api, database, expression);
      previews.push(figures);
      for (const line of describePreview(figures)) {
        console.log(line);
      }
    }
    console.log('');
    console.log(`summary — ${counted(CONTACTS)} contacts (database ${DATABASE}, code ${codeVersion()})`);
    for (const line of [...rebuildLines, ...memoryLines]) {
      console.log(line);
    }
    console.log(
      `  previews through the gateway (${RUNS} runs each) and the store queries they were (${DRIVER_RUNS} run${DRIVER_RUNS === 1 ? '' : 's'} each, p50 and × the gateway's p50):`,
    );
    for (const figures of previews) {
      console.log(previewRow(figures));
    }
    for (const line of fanOutLines) {
      console.log(line);
    }
    console.log(
      `  machine: ${cpus().length} CPUs; 1-minute load average ${loadAtStart} at the start, ${loadBeforePreviews} before the previews, ${loadAverage()} at the end`,
    );
    console.log(`  total ${secondsSince(benchStartedAt)}`);
  } finally {
    await api.stop();
  }
  // The seed stays for the next run; the campaign's recipients and the run's topics go.
  await dropRunState(database);
  await client.close();
  await removeRun(kafka, prefix);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
