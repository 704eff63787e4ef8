/**
 * bench:commands — 100,000 tag commands (adds and removes of a handful of tag names) over
 * 10,000 contacts, through the whole path: gateway (HTTP) → contacts.commands → contacts
 * service → store → contacts.events, 64 requests in flight. Prints the sustained command rate,
 * how many calls the gateway answered 200 (outcome in time) or 202 (outcome late), HTTP
 * latency p50/p99, and command→event latency p50/p99: from sending the request to the outcome
 * event's record on contacts.events, matched by command id. The contacts are seeded in the
 * store; every tag change goes through the gateway.
 *
 * Then, at a fixed offered rate (`--offered`, commands/s, for `--offered-seconds`), the share
 * answered 200 (outcome within the gateway's COMMAND_TIMEOUT_MS) and command→event p99. Last,
 * with the services stopped, the store ceiling: the same commands' reads and writes with the
 * raw driver (see storeCeiling), as many in flight, and the ratio.
 *
 *   npm run bench:commands [-- --commands 100000 --contacts 10000 --concurrency 64
 *                              --offered 100 --offered-seconds 60 --instances 1,3]
 *   (or BENCH_COMMANDS, BENCH_CONTACTS, BENCH_CONCURRENCY, BENCH_WARMUP)
 */
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import { parseEnvironment } from '@switchboard/config';
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
import { ContactsSettings } from '../apps/contacts/src/contacts-settings';
import { BoundedBulk } from '../apps/contacts/src/store/bounded-bulk';
import { PUBLICATIONS_REMEMBERED } from '../apps/contacts/src/tags/tag-usage.repository';
import { aPort, spawnService, type ServiceProcess } from '../test/support/service-process';

const { values: options } = parseArgs({
  options: {
    commands: { type: 'string', default: process.env.BENCH_COMMANDS ?? '100000' },
    contacts: { type: 'string', default: process.env.BENCH_CONTACTS ?? '10000' },
    concurrency: { type: 'string', default: process.env.BENCH_CONCURRENCY ?? '64' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '500' },
    offered: { type: 'string', default: '100' },
    'offered-seconds': { type: 'string', default: '60' },
    instances: { type: 'string', default: '1,3' },
  },
});
const COMMANDS = Number(options.commands);
const CONTACTS = Number(options.contacts);
const CONCURRENCY = Number(options.concurrency);
const WARMUP = Number(options.warmup);
const OFFERED = Number(options.offered);
const OFFERED_SECONDS = Number(options['offered-seconds']);
const INSTANCE_COUNTS = options.instances.split(',').map(Number);
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

/** Whether the usage counts the API shows (`GET /v1/tags`) agree with the contacts after all the changes. */
async function checkTagUsage(database: Db, gatewayUrl: string, token: string): Promise<string> {
  const contacts = database.collection('contacts');
  const answer = await fetch(`${gatewayUrl}/v1/tags`, { headers: { authorization: `Bearer ${token}` } });
  const { items } = (await answer.json()) as { items: { tagId: string; usage: number }[] };
  const disagreements: string[] = [];
  for (const tag of items) {
    const carrying = await contacts.countDocuments({ tenantId: TENANT, tagIds: tag.tagId });
    if (carrying !== tag.usage) {
      disagreements.push(`${tag.tagId} usage ${tag.usage}, carried by ${carrying}`);
    }
  }
  return disagreements.length === 0
    ? `catalog agrees with the contacts for all ${items.length} tags`
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

/** The outcome event latencies of the answers whose outcome was seen, sorted. */
function eventLatenciesOf(answers: Answer[], outcomes: Map<string, Outcome>) {
  const matched = answers.flatMap((answer) => {
    const outcome = answer.commandId === undefined ? undefined : outcomes.get(answer.commandId);
    return outcome ? [{ latency: outcome.timestamp - answer.sentAt, ...outcome }] : [];
  });
  return {
    matched,
    latencies: matched.map((outcome) => outcome.latency).sort((left, right) => left - right),
  };
}

/** Sends `rate` commands a second for `seconds`, each on its own (an open loop), and answers them all. */
async function offeredLoad(gatewayUrl: string, token: string, commands: TagCommand[], rate: number) {
  const answers: Promise<Answer>[] = [];
  const startedAt = Date.now();
  for (let index = 0; index < commands.length; index++) {
    const due = startedAt + (index * 1000) / rate;
    if (due > Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    answers.push(send(gatewayUrl, token, commands[index]));
  }
  return Promise.all(answers);
}

/**
 * As `instances` contacts services run: commands per publication, partitions and contacts at
 * once, and the store's budget for the update statements in flight (shared by the processes).
 */
const serviceSettings = (instances: number) =>
  parseEnvironment(ContactsSettings, {
    ...process.env,
    STORE_SHARING_PROCESSES: String(Math.max(4, instances + 1)),
  });

/**
 * The store's ceiling for the same commands: what the service reads and writes for them, with
 * the raw driver and nothing else, in the service's shape (see ContactOutbox): slices of
 * COMMANDS_PER_PUBLICATION commands, PARTITIONS_AT_ONCE slices at once, and within a slice
 * `concurrency / PARTITIONS_AT_ONCE` contacts at once; the outboxes emptied within the store's
 * budget as the service does (BoundedBulk). Per command: read its outcome (a
 * redelivery?) and the contact (once per slice), read the tag names (once per slice), write the
 * contact's tags and applied command id with the event in its outbox. Per slice: count each
 * changed tag's usage in its share (a read and a versioned write with the publications'
 * ids), record the outcomes (one insert), empty the outboxes (updates two to a command, several
 * at once) and append the activity entries (one insert, as the activity consumer does).
 * Commands per second.
 */
async function storeCeiling(
  database: Db,
  commands: TagCommand[],
  concurrency: number,
  settings: ContactsSettings,
): Promise<number> {
  const { COMMANDS_PER_PUBLICATION, COMMAND_PARTITIONS_CONCURRENTLY: PARTITIONS_AT_ONCE } = settings;
  type StoredContact = { _id: string; tagIds: string[]; version: number; appliedCommandIds: string[] };
  type Share = { _id: string; count: number; version: number; counted: string[] };
  const contacts = database.collection<StoredContact>('contacts');
  const tags = database.collection<{ _id: string; tenantId: string; nameKey: string }>('tags');
  const shares = database.collection<Share>('tag_usage');
  const outcomes = database.collection<{ _id: string; event: object; recordedAt: Date }>('command_outcomes');
  const activity = database.collection<{ _id: string }>('activity');
  const byName = new Map(CATALOG.map((tag) => [tag.name.toLowerCase(), tag]));
  const bulk = new BoundedBulk(settings);
  const slices = Array.from({ length: Math.ceil(commands.length / COMMANDS_PER_PUBLICATION) }, (_, index) =>
    commands.slice(index * COMMANDS_PER_PUBLICATION, (index + 1) * COMMANDS_PER_PUBLICATION),
  );
  const startedAt = performance.now();
  await timeEach(slices.length, PARTITIONS_AT_ONCE, async (sliceIndex) => {
    const slice = slices[sliceIndex];
    const partition = sliceIndex % 12;
    const names = [...new Set(slice.flatMap((command) => command.tags))];
    await Promise.all(names.map((name) => tags.findOne({ tenantId: TENANT, nameKey: name })));
    const states = new Map<string, StoredContact>();
    const written: { _id: string; version: number }[] = [];
    const usage = new Map<string, { delta: number; ids: string[] }>();
    const outcomeDocuments: { _id: string; event: object; recordedAt: Date }[] = [];
    const entries: { _id: string; contactId: string; occurredAt: Date; details: object }[] = [];
    const byContact = new Map<string, number[]>();
    slice.forEach((command, index) =>
      byContact.set(command.contactId, [...(byContact.get(command.contactId) ?? []), index]),
    );
    const keys = [...byContact.keys()];
    await timeEach(
      keys.length,
      Math.max(1, Math.floor(concurrency / PARTITIONS_AT_ONCE)),
      async (keyIndex) => {
        const _id = `${TENANT}:${keys[keyIndex]}`;
        for (const index of byContact.get(keys[keyIndex])!) {
          const command = slice[index];
          const commandId = `ceiling-${sliceIndex}-${index}`;
          await outcomes.findOne({ _id: `${TENANT}:${commandId}` });
          const current = states.get(_id) ?? (await contacts.findOne({ _id }))!;
          const named = command.tags.map((name) => byName.get(name)!);
          const next =
            command.action === 'add'
              ? [...new Set([...current.tagIds, ...named.map((tag) => tag.tagId)])]
              : current.tagIds.filter((tagId) => !named.some((tag) => tag.tagId === tagId));
          const changed = named.filter(
            (tag) => current.tagIds.includes(tag.tagId) !== next.includes(tag.tagId),
          );
          const tagNames = next.map((tagId) => CATALOG.find((tag) => tag.tagId === tagId)!.name);
          // The event as the service writes it: the contact's view and the change.
          const { appliedCommandIds: _applied, ...view } = current;
          const event = {
            topic: 'contacts.events',
            key: _id,
            value: JSON.stringify({
              eventId: commandId,
              commandId,
              type: command.action === 'add' ? 'ContactTagged' : 'ContactUntagged',
              tenantId: TENANT,
              contactId: command.contactId,
              occurredAt: new Date().toISOString(),
              payload: {
                contact: { ...view, tags: tagNames },
                changed: true,
                changes: { tags: { after: tagNames } },
              },
            }),
          };
          const appliedCommandIds = [...current.appliedCommandIds.slice(-199), commandId];
          await contacts.updateOne(
            { _id, version: current.version },
            {
              $set: { tagIds: next, tags: tagNames, version: current.version + 1, appliedCommandIds },
              $push: { pendingPublications: { commandId, records: [event] } } as never,
            },
          );
          states.set(_id, { ...current, tagIds: next, version: current.version + 1, appliedCommandIds });
          for (const tag of changed) {
            const share = usage.get(tag.tagId) ?? { delta: 0, ids: [] };
            share.delta += command.action === 'add' ? 1 : -1;
            share.ids.push(commandId);
            usage.set(tag.tagId, share);
          }
          outcomeDocuments.push({ _id: `${TENANT}:${commandId}`, event, recordedAt: new Date() });
          entries.push({
            _id: `${TENANT}:${commandId}`,
            contactId: command.contactId,
            occurredAt: new Date(),
            details: { tags: tagNames },
          });
        }
        written.push({ _id, version: states.get(_id)!.version });
      },
    );
    await Promise.all(
      [...usage].map(async ([tagId, { delta, ids }]) => {
        const _id = `${TENANT}:${tagId}:${partition}`;
        const share = await shares.findOne({ _id });
        const counted = [...(share?.counted ?? []), ...ids].slice(-PUBLICATIONS_REMEMBERED);
        if (share) {
          await shares.updateOne(
            { _id, version: share.version },
            { $set: { count: share.count + delta, counted, version: share.version + 1 } },
          );
        } else {
          await shares.insertOne({ _id, count: delta, version: 1, counted });
        }
      }),
    );
    await outcomes.insertMany(outcomeDocuments, { ordered: false });
    const clears = written.map(({ _id, version }) => ({
      updateOne: { filter: { _id, version }, update: { $set: { pendingPublications: [] } } },
    }));
    await bulk.writeUnordered(clears, (clearing) => contacts.bulkWrite(clearing, { ordered: false }));
    await activity.insertMany(entries, { ordered: false });
  });
  return commands.length / ((performance.now() - startedAt) / 1000);
}

function seed(database: Db): Promise<void> {
  const seedRandom = seededRandom(1);
  return seedContacts(database, {
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
}

/** One run with `instances` contacts services, on its own topics and database: the sustained rate. */
async function runWith(instances: number): Promise<number> {
  const prefix = `benchcommands-${Date.now().toString(36)}.`;
  const database = prefix.replace(/[.-]/g, '_');
  const ceilingDatabase = `${database}ceiling`;
  console.log(
    `bench:commands — ${thousands(COMMANDS)} tag commands over ${thousands(CONTACTS)} contacts, ${CONCURRENCY} in flight, ${instances} contacts instance(s) (topics ${prefix}*)`,
  );
  const client = await MongoClient.connect(mongoUri());
  await seed(client.db(database));
  await seed(client.db(ceilingDatabase));

  const kafka = createKafkaClient('bench-commands', brokers());
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, 12));
  const environment = {
    TOPIC_PREFIX: prefix,
    MONGODB_DB: database,
    LOG_LEVEL: 'warn',
    STORE_SHARING_PROCESSES: String(Math.max(4, instances + 1)),
  };
  const api = await startApi(prefix, environment);
  const others: ServiceProcess[] = [];
  let sustained = 0;
  try {
    for (let instance = 1; instance < instances; instance++) {
      others.push(spawnService('contacts', aPort(), environment, `${prefix}contacts-${instance}`));
    }
    await Promise.all(others.map((other) => other.untilReady(60_000)));
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
    const { matched, latencies: eventLatencies } = eventLatenciesOf(answers, outcomes);
    const outcomeSeconds =
      (matched.reduce((last, { timestamp }) => Math.max(last, timestamp), 0) - startedAt) / 1000;
    sustained = Math.min(COMMANDS / drivenSeconds, matched.length / outcomeSeconds);
    const statuses = tally(answers.map((answer) => answer.status));
    const otherStatuses = [...statuses].filter(([status]) => status !== 200 && status !== 202);

    console.log('');
    console.log(
      `  commands         ${thousands(COMMANDS)} answered in ${drivenSeconds.toFixed(1)} s: ${thousands(COMMANDS / drivenSeconds)} commands/s sustained`,
    );
    console.log(
      `  outcome events   ${thousands(matched.length)} on contacts.events, the last ${outcomeSeconds.toFixed(1)} s after the first request (${thousands(matched.length / outcomeSeconds)} commands/s); ${[...tally(matched.map((outcome) => outcome.type))].map(([type, count]) => `${thousands(count)} ${type}`).join(', ')}`,
    );
    console.log(
      `  HTTP answers     ${thousands(statuses.get(200) ?? 0)} × 200, ${thousands(statuses.get(202) ?? 0)} × 202 (outcome later than the gateway's wait)${otherStatuses.map(([status, count]) => `, ${thousands(count)} × ${status}`).join('')}`,
    );
    console.log(`  HTTP response    ${describeLatency(httpLatencies)}`);
    console.log(
      `  command → event  ${describeLatency(eventLatencies)} (request sent → outcome record's timestamp)`,
    );

    if (OFFERED > 0) {
      const offered = tagCommands(Math.round(OFFERED * OFFERED_SECONDS), 4);
      const offeredAnswers = await offeredLoad(api.gateway.url, token, offered, OFFERED);
      const offeredOutcomes = await outcomesOf(events, offeredAnswers);
      const { latencies } = eventLatenciesOf(offeredAnswers, offeredOutcomes);
      const ok = offeredAnswers.filter((answer) => answer.status === 200).length;
      console.log(
        `  offered ${OFFERED}/s    ${thousands(offered.length)} commands over ${OFFERED_SECONDS} s: ${((100 * ok) / offered.length).toFixed(1)} % answered 200 (outcome within COMMAND_TIMEOUT_MS); command → event ${describeLatency(latencies)}`,
      );
    }
    console.log(`  tag usage        ${await checkTagUsage(client.db(database), api.gateway.url, token)}`);
    await events.stop();
  } finally {
    await Promise.all(others.map((other) => other.stop()));
    await api.stop();
  }
  // The services stop first: the store serves the ceiling alone.
  const ceiling = await storeCeiling(
    client.db(ceilingDatabase),
    tagCommands(COMMANDS, 3),
    CONCURRENCY,
    serviceSettings(instances),
  );
  console.log(
    `  store ceiling    ${thousands(ceiling)} commands/s (raw driver, the same reads and writes per command, ${CONCURRENCY} in flight)`,
  );
  console.log(
    `  commands/ceiling ${(sustained / ceiling).toFixed(2)} (sustained: the lower of answered and outcome rates)`,
  );
  await client.db(ceilingDatabase).dropDatabase();
  await client.close();
  await removeRun(kafka, prefix, database);
  return sustained;
}

async function main(): Promise<void> {
  ensureLocalStack();
  const rates: number[] = [];
  for (const instances of INSTANCE_COUNTS) {
    rates.push(await runWith(instances));
    console.log('');
  }
  for (let index = 1; index < rates.length; index++) {
    console.log(
      `scaling: ${INSTANCE_COUNTS[index]} contacts instances sustain ${(rates[index] / rates[0]).toFixed(2)}× the commands/s of ${INSTANCE_COUNTS[0]}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
