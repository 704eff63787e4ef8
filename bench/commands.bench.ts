/**
 * bench:commands — 100,000 tag commands (adds and removes of a handful of tag names) over
 * 10,000 contacts, through the whole path: gateway (HTTP) → contacts.commands → contacts
 * service → store → contacts.events, 64 requests in flight. Prints the sustained command rate,
 * how many calls the gateway answered 200 (outcome in time) or 202 (outcome late), HTTP
 * latency p50/p99, and command→event latency p50/p99: from sending the request to the outcome
 * event's record on contacts.events, matched by command id. The contacts are seeded in the
 * store; every tag change goes through the gateway.
 *
 *   npm run bench:commands [-- --commands 100000 --contacts 10000 --concurrency 64]
 *   (or BENCH_COMMANDS, BENCH_CONTACTS, BENCH_CONCURRENCY, BENCH_WARMUP)
 */
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import { topicNames, topicSpecs } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { expectEventually, TopicProbe } from '@switchboard/testing';
import {
  aBenchToken,
  brokers,
  describeLatency,
  ensureLocalStack,
  mongoUri,
  postJson,
  removeRun,
  secondsSince,
  seedContacts,
  seededRandom,
  startApi,
  timeEach,
  type SeedTag,
} from './bench-support';

const { values: options } = parseArgs({
  options: {
    commands: { type: 'string', default: process.env.BENCH_COMMANDS ?? '100000' },
    contacts: { type: 'string', default: process.env.BENCH_CONTACTS ?? '10000' },
    concurrency: { type: 'string', default: process.env.BENCH_CONCURRENCY ?? '64' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '500' },
  },
});
const COMMANDS = Number(options.commands);
const CONTACTS = Number(options.contacts);
const CONCURRENCY = Number(options.concurrency);
const WARMUP = Number(options.warmup);
const TENANT = 'bench-commands';
// A handful of tags, some used far more than others.
const TAGS = [
  { name: 'VIP', weight: 30 },
  { name: 'Newsletter', weight: 25 },
  { name: 'follow-up', weight: 15 },
  { name: 'churn-risk', weight: 10 },
  { name: 'wholesale', weight: 8 },
  { name: 'beta', weight: 6 },
  { name: 'billing-issue', weight: 4 },
  { name: 'priority', weight: 2 },
];
const CATALOG: SeedTag[] = TAGS.map(({ name }, index) => ({ tagId: `t_bench_${index}`, name }));
const TOTAL_WEIGHT = TAGS.reduce((sum, tag) => sum + tag.weight, 0);

const contactId = (index: number) => `c_bench_${index}`;

/** Index of a tag drawn by weight. */
function drawTag(random: () => number): number {
  let remaining = random() * TOTAL_WEIGHT;
  for (const [index, tag] of TAGS.entries()) {
    remaining -= tag.weight;
    if (remaining < 0) {
      return index;
    }
  }
  return TAGS.length - 1;
}

/** `count` distinct tags drawn by weight. */
function drawTags(random: () => number, count: number): number[] {
  const drawn = new Set<number>();
  while (drawn.size < count) {
    drawn.add(drawTag(random));
  }
  return [...drawn];
}

interface TagCommand {
  contactId: string;
  action: 'add' | 'remove';
  tags: string[];
}

/** Mostly one tag at a time, adds a little more often than removes, lower-case as agents type. */
function tagCommands(count: number, seed: number): TagCommand[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    contactId: contactId(Math.floor(random() * CONTACTS)),
    action: random() < 0.55 ? 'add' : 'remove',
    tags: drawTags(random, random() < 0.8 ? 1 : 2).map((tag) => TAGS[tag].name.toLowerCase()),
  }));
}

interface Answer {
  sentAt: number;
  status: number;
  commandId?: string;
}

/** One tag command through the gateway; its command id from the header (200) or the body (202). */
async function send(gatewayUrl: string, token: string, command: TagCommand): Promise<Answer> {
  const sentAt = Date.now();
  const path = command.action === 'add' ? 'tags' : 'tags/remove';
  const response = await postJson(`${gatewayUrl}/v1/contacts/${command.contactId}/${path}`, token, {
    tags: command.tags,
  });
  if (response.status === 401 || response.status === 403) {
    throw new Error(`the gateway refused the bench's token: ${response.status} ${await response.text()}`);
  }
  if (response.status === 202) {
    const pending = (await response.json()) as { commandId: string };
    return { sentAt, status: 202, commandId: pending.commandId };
  }
  await response.arrayBuffer();
  return { sentAt, status: response.status, commandId: response.headers.get('x-command-id') ?? undefined };
}

interface Outcome {
  /** When the outcome's record was written to contacts.events (its timestamp). */
  timestamp: number;
  type: string;
}

/** Waits (up to two minutes) for the outcome event of every answered command; returns those seen. */
async function outcomesOf(events: TopicProbe, answers: Answer[]): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  let read = 0;
  const missing = () => {
    for (; read < events.records.length; read++) {
      const record = events.records[read];
      const event = JSON.parse(record.value!.toString()) as { commandId: string; type: string };
      if (!outcomes.has(event.commandId)) {
        outcomes.set(event.commandId, { timestamp: Number(record.timestamp), type: event.type });
      }
    }
    return answers.filter((answer) => answer.commandId !== undefined && !outcomes.has(answer.commandId))
      .length;
  };
  try {
    await expectEventually(
      () => {
        if (missing() > 0) {
          throw new Error(`${missing()} outcome events are not on contacts.events`);
        }
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  } catch (error) {
    console.log(`  after 120 s, ${(error as Error).message}`);
  }
  return outcomes;
}

/** Whether the catalog's usage counts agree with the contacts after all the concurrent changes. */
async function checkTagUsage(database: Db): Promise<string> {
  const contacts = database.collection('contacts');
  const tags = await database.collection<{ tagId: string; usage: number }>('tags').find().toArray();
  const disagreements: string[] = [];
  for (const tag of tags) {
    const carrying = await contacts.countDocuments({ tenantId: TENANT, tagIds: tag.tagId });
    if (carrying !== tag.usage) {
      disagreements.push(`${tag.tagId} usage ${tag.usage}, carried by ${carrying}`);
    }
  }
  return disagreements.length === 0
    ? `catalog agrees with the contacts for all ${tags.length} tags`
    : `DISAGREES: ${disagreements.join('; ')}`;
}

function tally<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) {
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  ensureLocalStack();
  const prefix = `benchcommands-${Date.now().toString(36)}.`;
  const database = prefix.replace(/[.-]/g, '_');
  console.log(
    `bench:commands — ${thousands(COMMANDS)} tag commands over ${thousands(CONTACTS)} contacts, ${CONCURRENCY} in flight (topics ${prefix}*)`,
  );
  const client = await MongoClient.connect(mongoUri());
  const seedRandom = seededRandom(1);
  await seedContacts(client.db(database), {
    tenantId: TENANT,
    count: CONTACTS,
    catalog: CATALOG,
    contactId,
    fieldsOf: (index) => ({
      identities: [{ channel: 'whatsapp', address: `+1${String(3_100_000_000 + index)}` }],
      name: `Customer ${index}`,
      attributes: { plan: index % 3 === 0 ? 'pro' : 'free' },
      tags: drawTags(seedRandom, Math.floor(seedRandom() * 4)),
    }),
  });

  const kafka = createKafkaClient('bench-commands', brokers());
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, 12));
  const api = await startApi(prefix, { TOPIC_PREFIX: prefix, MONGODB_DB: database, LOG_LEVEL: 'warn' });
  try {
    const events = await new TopicProbe(kafka, [topics.contactEvents]).start();
    const token = aBenchToken(TENANT, 'agent');
    const warmup = tagCommands(WARMUP, 2);
    await timeEach(WARMUP, CONCURRENCY, async (index) => {
      await send(api.gateway.url, token, warmup[index]);
    });
    console.log(`  warm-up: ${WARMUP} commands`);

    const commands = tagCommands(COMMANDS, 3);
    const answers: Answer[] = new Array<Answer>(COMMANDS);
    let answered = 0;
    const startedAt = Date.now();
    const httpLatencies = await timeEach(COMMANDS, CONCURRENCY, async (index) => {
      answers[index] = await send(api.gateway.url, token, commands[index]);
      if (++answered % Math.max(1, Math.floor(COMMANDS / 10)) === 0) {
        console.log(
          `  ${thousands(answered)} answered in ${secondsSince(startedAt)} (${thousands(answered / ((Date.now() - startedAt) / 1000))} commands/s)`,
        );
      }
    });
    const drivenSeconds = (Date.now() - startedAt) / 1000;

    const outcomes = await outcomesOf(events, answers);
    const matched = answers.flatMap((answer) => {
      const outcome = answer.commandId === undefined ? undefined : outcomes.get(answer.commandId);
      return outcome ? [{ latency: outcome.timestamp - answer.sentAt, ...outcome }] : [];
    });
    const eventLatencies = matched.map((outcome) => outcome.latency).sort((left, right) => left - right);
    const outcomeSeconds =
      (matched.reduce((last, { timestamp }) => Math.max(last, timestamp), 0) - startedAt) / 1000;
    const statuses = tally(answers.map((answer) => answer.status));
    const others = [...statuses].filter(([status]) => status !== 200 && status !== 202);

    console.log('');
    console.log(
      `  commands         ${thousands(COMMANDS)} answered in ${drivenSeconds.toFixed(1)} s: ${thousands(COMMANDS / drivenSeconds)} commands/s sustained`,
    );
    console.log(
      `  outcome events   ${thousands(matched.length)} on contacts.events, the last ${outcomeSeconds.toFixed(1)} s after the first request (${thousands(matched.length / outcomeSeconds)} commands/s); ${[...tally(matched.map((outcome) => outcome.type))].map(([type, count]) => `${thousands(count)} ${type}`).join(', ')}`,
    );
    console.log(
      `  HTTP answers     ${thousands(statuses.get(200) ?? 0)} × 200, ${thousands(statuses.get(202) ?? 0)} × 202 (outcome later than the gateway's wait)${others.map(([status, count]) => `, ${thousands(count)} × ${status}`).join('')}`,
    );
    console.log(`  HTTP response    ${describeLatency(httpLatencies)}`);
    console.log(
      `  command → event  ${describeLatency(eventLatencies)} (request sent → outcome record's timestamp)`,
    );
    console.log(`  tag usage        ${await checkTagUsage(client.db(database))}`);
    await events.stop();
  } finally {
    await api.stop();
  }
  await client.close();
  await removeRun(kafka, prefix, database);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
