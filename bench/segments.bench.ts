/**
 * bench:segments — a campaign fan-out and segment previews on one tenant of 1,000,000
 * contacts: three very common tags (40%, 25%, 15%) and a Zipf-like tail of 200, ~8% blocked, a
 * `plan` attribute. Prints a campaign to everyone (blocked excluded): time from the request to
 * `dispatched`, its counts, recipients published per second, and whether campaigns.dispatch
 * holds exactly `published` records; then preview latency p50/p99 of five representative
 * expressions through the gateway, with each one's count, the same queries made directly with
 * the MongoDB driver (the filter the service builds, count and sample) and our overhead at p50.
 * The campaign goes first because it takes long and changes no contact; the previews go from
 * the cheapest to the most expensive. The seed is kept in its own database and reused by later
 * runs.
 *
 *   npm run bench:segments [-- --contacts 1000000 --runs 3]   (or BENCH_CONTACTS, BENCH_RUNS)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { MongoClient, type Db, type Filter } from 'mongodb';
import {
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
  resolveSegment,
  disjointParts,
  segmentFilter,
  type TagLookup,
} from '../apps/contacts/src/segments/segment-query';
import { tagDocumentId, type Tag } from '../apps/contacts/src/tags/tag.schema';
import {
  aBenchToken,
  brokers,
  describeLatency,
  ensureLocalStack,
  mongoUri,
  percentile,
  postJson,
  removeRun,
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
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '3' },
    database: { type: 'string', default: process.env.BENCH_DATABASE },
    /** Only the expressions whose label contains this. */
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    'skip-campaign': { type: 'boolean', default: process.env.BENCH_SKIP_CAMPAIGN === '1' },
  },
});
const CONTACTS = Number(options.contacts);
const RUNS = Number(options.runs);
// Smaller runs get their own database: they never replace the full seed.
const DATABASE =
  options.database ?? (CONTACTS === 1_000_000 ? 'bench_segments' : `bench_segments_${CONTACTS}`);
const TENANT = 'bench-segments';
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
/** The seed's collections; every other one holds a run's state (campaigns, recipients, jobs). */
const SEED_COLLECTIONS = new Set(['contacts', 'tags']);

// Cheapest first: a run cut short still has most of them.
const EXPRESSIONS: { label: string; definition: SegmentDefinition }[] = [
  { label: 'two common tags (all)', definition: { all: ['customer', 'vip'] } },
  { label: 'tag and attribute', definition: { all: ['newsletter'], attributes: { plan: 'pro' } } },
  { label: 'one common tag', definition: { all: ['customer'] } },
  {
    label: 'common tag, none another, not blocked',
    definition: { all: ['customer'], none: ['newsletter'], blocked: false },
  },
  { label: 'any of three tail tags', definition: { any: ['interest-040', 'interest-120', 'interest-200'] } },
];

const contactId = (index: number) => `c_seg_${index}`;

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
  const createdAt = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 700) * 86_400_000);
  const version = 1 + tags.length + (blocked ? 1 : 0);
  return {
    identities: [{ channel: 'whatsapp', address: `+1${String(5_000_000_000 + index)}` }],
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
    console.log(`  seed: reusing ${CONTACTS.toLocaleString('en-US')} contacts in database ${DATABASE}`);
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
    console.log(
      `  seed: ${CONTACTS.toLocaleString('en-US')} contacts and their catalog in ${secondsSince(startedAt)}`,
    );
  }
  const usage = new Map(
    (await database.collection<Tag>('tags').find({ tenantId: TENANT }).toArray()).map((tag) => [
      tag.name,
      tag.usage,
    ]),
  );
  const share = (name: string) =>
    `${name} ${(usage.get(name) ?? 0).toLocaleString('en-US')} (${((100 * (usage.get(name) ?? 0)) / CONTACTS).toFixed(2)}%)`;
  console.log(
    `  catalog: ${[...COMMON_TAGS.map((tag) => tag.name), 'interest-001', 'interest-010', 'interest-040', 'interest-120', 'interest-200'].map(share).join(', ')}`,
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

/** The contacts service's own preview timer (`switchboard_segment_preview_seconds`). */
async function previewTimer(contactsUrl: string): Promise<{ count: number; sumSeconds: number }> {
  const text = await (await fetch(`${contactsUrl}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    count: value('switchboard_segment_preview_seconds_count'),
    sumSeconds: value('switchboard_segment_preview_seconds_sum'),
  };
}

/** The preview made directly with the driver: the catalog lookups, then count and sample at once. */
async function previewWithDriver(database: Db, definition: SegmentDefinition): Promise<number> {
  const names = [...(definition.all ?? []), ...(definition.any ?? []), ...(definition.none ?? [])];
  const tags = await Promise.all(
    [...new Set(names.map(tagNameKey))].map((nameKey) =>
      database.collection<Tag>('tags').findOne({ tenantId: TENANT, nameKey }),
    ),
  );
  const lookup = new Map<string, TagLookup>(
    tags.filter((tag) => tag !== null).map((tag) => [tag.nameKey, { tagId: tag.tagId, usage: tag.usage }]),
  );
  // The same queries the service makes: one, or disjoint parts for `any` of several tags.
  const segment = resolveSegment(definition, lookup);
  const filters = (disjointParts(segment) ?? [segment]).map(
    (part) => segmentFilter(TENANT, part) as Filter<Contact>,
  );
  const contacts = database.collection<Contact>('contacts');
  const [counts] = await Promise.all([
    Promise.all(filters.map((filter) => contacts.countDocuments(filter))),
    Promise.all(filters.map((filter) => contacts.find(filter).limit(10).toArray())),
  ]);
  return counts.reduce((sum, count) => sum + count, 0);
}

const milliseconds = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;

/** The contacts service builds its indexes in the background at boot: measure after them. */
async function untilContactsIndexed(database: Db): Promise<void> {
  const indexes = ContactSchema.indexes().length + 1;
  await expectEventually(
    async () => {
      const built = (await database.collection('contacts').listIndexes().toArray()).length;
      if (built < indexes) {
        throw new Error(`${built} of ${indexes} contact indexes built`);
      }
    },
    { timeoutMs: 1_800_000, intervalMs: 1_000 },
  );
}

/**
 * `RUNS` previews of one expression through the gateway, each followed by the same query
 * made with the driver (alternating, so neither gets the warmer cache); prints and returns the
 * summary.
 */
async function measurePreview(
  api: BenchApi,
  database: Db,
  { label, definition }: (typeof EXPRESSIONS)[number],
): Promise<string[]> {
  console.log(`  ${label} ${JSON.stringify(definition)}`);
  const viewer = aBenchToken(TENANT, 'viewer');
  const gateway: number[] = [];
  const service: number[] = [];
  const driver: number[] = [];
  const statuses = new Map<number, number>();
  const gatewayCounts = new Set<number>();
  let count = 0;
  for (let run = 1; run <= RUNS; run++) {
    const before = await previewTimer(api.contacts.url);
    let startedAt = performance.now();
    const response = await postJson(`${api.gateway.url}/v1/segments/preview`, viewer, definition);
    const body = (await response.json()) as SegmentPreview & { detail?: string };
    gateway.push(performance.now() - startedAt);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status === 200) {
      gatewayCounts.add(body.count);
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
      { timeoutMs: 1_800_000, intervalMs: 250 },
    );
    service.push((after.sumSeconds - before.sumSeconds) * 1000);
    startedAt = performance.now();
    count = await previewWithDriver(database, definition);
    driver.push(performance.now() - startedAt);
    const answer = response.status === 200 ? `count ${body.count.toLocaleString('en-US')}` : body.detail;
    console.log(
      `    run ${run}/${RUNS}: gateway ${response.status} in ${milliseconds(gateway[gateway.length - 1])} (${answer}); contacts service ${milliseconds(service[service.length - 1])}; driver ${milliseconds(driver[driver.length - 1])} (count ${count.toLocaleString('en-US')})`,
    );
  }
  for (const latencies of [gateway, service, driver]) {
    latencies.sort((left, right) => left - right);
  }
  const answered = [...statuses].map(([status, times]) => `${times} × ${status}`).join(', ');
  const disagreement = [...gatewayCounts].some((gatewayCount) => gatewayCount !== count)
    ? ` (the gateway said ${[...gatewayCounts].join(', ')})`
    : '';
  const gatewayOverhead = percentile(gateway, 0.5) / percentile(driver, 0.5);
  const serviceOverhead = percentile(service, 0.5) / percentile(driver, 0.5);
  const summary = [
    `  ${label}: count ${count.toLocaleString('en-US')}${disagreement}`,
    `    gateway preview   ${describeLatency(gateway)} (${answered})`,
    `    contacts service  ${describeLatency(service)} (its own timer)`,
    `    driver only       ${describeLatency(driver)}`,
    `    overhead at p50   gateway ×${gatewayOverhead.toFixed(2)}${statuses.has(503) ? ' (not a real figure: the gateway gave up)' : ''}, contacts service ×${serviceOverhead.toFixed(2)}`,
  ];
  for (const line of summary) {
    console.log(line);
  }
  return summary;
}

/**
 * A campaign to every contact, blocked ones excluded, followed until `dispatched`; returns
 * the summary.
 */
async function measureCampaign(api: BenchApi, kafka: Kafka, dispatchTopic: string): Promise<string[]> {
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
            `    ${secondsSince(requestedAt)}: ${current.status}, ${current.counts.published.toLocaleString('en-US')} published, ${current.counts.excluded.toLocaleString('en-US')} excluded`,
          );
        }
        throw new Error(`campaign ${campaignId} is ${current.status}`);
      }
      return current;
    },
    { timeoutMs: 3_600_000, intervalMs: 1_000 },
  );
  const observedSeconds = (Date.now() - requestedAt) / 1000;
  const serverSeconds = (Date.parse(campaign.dispatchedAt!) - Date.parse(campaign.createdAt)) / 1000;
  const records = await totalEndOffset(kafka, [dispatchTopic]);
  const { resolved, published, excluded } = campaign.counts;
  return [
    `  campaign to everyone (blocked excluded): dispatched ${observedSeconds.toFixed(1)} s after the request (created → dispatched ${serverSeconds.toFixed(1)} s)`,
    `    counts resolved ${resolved.toLocaleString('en-US')}, published ${published.toLocaleString('en-US')}, excluded ${excluded.toLocaleString('en-US')}`,
    `    fan-out ${Math.round(published / serverSeconds).toLocaleString('en-US')} recipients published/s (${Math.round(resolved / serverSeconds).toLocaleString('en-US')} contacts resolved/s)`,
    `    ${dispatchTopic}: ${records.toLocaleString('en-US')} records, ${records === published ? 'equal to published' : `NOT equal to published (${(records - published).toLocaleString('en-US')} more)`}`,
  ];
}

async function main(): Promise<void> {
  const benchStartedAt = Date.now();
  ensureLocalStack();
  console.log(
    `bench:segments — a campaign and segment previews on ${CONTACTS.toLocaleString('en-US')} contacts, ${RUNS} runs per expression (database ${DATABASE})`,
  );
  const client = await MongoClient.connect(mongoUri());
  const database = client.db(DATABASE);
  await seed(database);
  await dropRunState(database);

  const prefix = `benchsegments-${Date.now().toString(36)}.`;
  const kafka = createKafkaClient('bench-segments', brokers());
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, 3));
  const startedAt = Date.now();
  const api = await startApi(
    prefix,
    { TOPIC_PREFIX: prefix, MONGODB_DB: DATABASE, LOG_LEVEL: 'warn' },
    { contactsReadyTimeoutMs: 600_000 },
  );
  try {
    await untilContactsIndexed(database);
    console.log(`  services ready and contact indexes built in ${secondsSince(startedAt)}`);
    // The campaign first: it changes no contact, and its figure is the longest to get.
    const summaries = options['skip-campaign']
      ? []
      : await measureCampaign(api, kafka, topics.campaignDispatch);
    for (const line of summaries) {
      console.log(line);
    }
    for (const expression of EXPRESSIONS.filter(({ label }) => label.includes(options.only))) {
      summaries.push(...(await measurePreview(api, database, expression)));
    }
    console.log('');
    for (const line of summaries) {
      console.log(line);
    }
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
