import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Db } from 'mongodb';
import { identityKey, tagNameKey, type Role } from '@switchboard/contracts';
import { mintToken } from '@switchboard/testing';
import type { Contact } from '../apps/contacts/src/contacts/contact.schema';
import { defaultColour, tagDocumentId, type Tag } from '../apps/contacts/src/tags/tag.schema';
import { aStoredContact } from '../test/support/contacts-factory';
import { aPort, spawnService, type ServiceProcess } from '../test/support/service-process';

export const root = resolve(__dirname, '..');

export function brokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

/** Brings the local stack up unless KAFKA_BROKERS points elsewhere. */
export function ensureLocalStack(): void {
  if (!process.env.KAFKA_BROKERS) {
    execFileSync('bash', [resolve(root, 'stack/stack.sh'), 'up'], { stdio: 'inherit' });
  }
}

export function percentile(sortedValues: number[], fraction: number): number {
  if (sortedValues.length === 0) {
    return Number.NaN;
  }
  return sortedValues[Math.min(sortedValues.length - 1, Math.floor(fraction * sortedValues.length))];
}

export function aBenchProducer(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}

/** Produces records in parallel batches; returns records per second. */
export async function produceAll(
  producer: Producer,
  topic: string,
  count: number,
  record: (index: number) => { key: string; value: string },
  { batchSize = 2_000, inFlight = 8 } = {},
): Promise<number> {
  const startedAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + batchSize);
      const messages = [];
      for (let index = start; index < next; index++) {
        messages.push(record(index));
      }
      await producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count / ((Date.now() - startedAt) / 1000);
}

/** Sum of the end offsets of `topics`: how many records have been written to them. */
/** Records a consumer group has committed on `topic`, over its partitions. */
export async function committedBy(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets.partitions.reduce((total, { offset }) => total + Math.max(Number(offset), 0), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function totalEndOffset(kafka: Kafka, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const { high } of await admin.fetchTopicOffsets(topic)) {
        total += Number(high);
      }
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Polls the output topics until they hold `expected` more records than `baseline`;
 * returns the sustained rate between the first and the last record seen.
 */
export async function measureDrain(
  kafka: Kafka,
  outputTopics: string[],
  baseline: number,
  expected: number,
  timeoutMs = 600_000,
): Promise<{ ratePerSecond: number; seconds: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let firstAt: number | undefined;
    for (;;) {
      let total = 0;
      for (const topic of outputTopics) {
        for (const { high } of await admin.fetchTopicOffsets(topic)) {
          total += Number(high);
        }
      }
      const done = total - baseline;
      if (done > 0 && firstAt === undefined) {
        firstAt = Date.now();
      }
      if (done >= expected) {
        const seconds = (Date.now() - (firstAt ?? Date.now())) / 1000;
        return { ratePerSecond: expected / Math.max(seconds, 0.001), seconds };
      }
      if (Date.now() > deadline) {
        throw new Error(`only ${done} of ${expected} records arrived in ${timeoutMs} ms`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Resident set size and its peak of a process, in MiB, from /proc. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Runs a Kafka tool class from the stack's jars and returns its output. */
export function kafkaTool(mainClass: string, args: string[]): string {
  return execFileSync('bash', [resolve(root, 'stack/stack.sh'), 'kafka-class', mainClass, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * Kafka's own producer perf tool writing `records` records of `recordSize` bytes to `topic`
 * as fast as it can, acks=all: the ceiling of this broker and machine, in records per second.
 */
export function producerPerformance(topic: string, records: number, recordSize: number): number {
  const output = kafkaTool('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers()[0]}`,
    'acks=all',
  ]);
  // Its last line sums up the run: "N records sent, R records/sec (…)".
  return Number(/([\d.]+) records\/sec/.exec(output.trim().split('\n').pop() ?? '')?.[1]);
}

export function formatRate(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} msgs/s`;
}

/** Deletes a run's topics (a benchmark's inputs and outputs are large) and, if named, its database. */
export async function removeRun(kafka: Kafka, topicPrefix: string, database?: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
  if (database) {
    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(mongoUri());
    await client.db(database).dropDatabase();
    await client.close();
  }
}

export function mongoUri(): string {
  return process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
}

/** Seconds since `startedAt` (a `Date.now()`), for progress lines. */
export function secondsSince(startedAt: number): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** A deterministic pseudo-random source in [0, 1) (mulberry32): the same seed gives the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Runs `call` `count` times, `concurrency` at once; returns each call's latency in ms, sorted. */
export async function timeEach(
  count: number,
  concurrency: number,
  call: (index: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const startedAt = performance.now();
        await call(index);
        latencies.push(performance.now() - startedAt);
      }
    }),
  );
  return latencies.sort((left, right) => left - right);
}

/** `p50 … ms, p99 … ms` of sorted latencies. */
export function describeLatency(sortedLatencies: number[]): string {
  return `p50 ${percentile(sortedLatencies, 0.5).toFixed(1)} ms, p99 ${percentile(sortedLatencies, 0.99).toFixed(1)} ms`;
}

/** A bearer token that outlives the longest run: an expired one would turn the rest into 401s. */
export function aBenchToken(tenant: string, role: Role): string {
  return mintToken({ tenant, sub: `bench-${role}`, role, expiresInSeconds: 6 * 60 * 60 });
}

/** A POST of a JSON body with a bearer token. */
export function postJson(url: string, token: string, body: object): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export interface BenchApi {
  contacts: ServiceProcess;
  gateway: ServiceProcess;
  /** From spawning the contacts service to its first ready answer (polled every 200 ms). */
  contactsReadySeconds: number;
  stop(): Promise<void>;
}

/**
 * The contacts service and the gateway in front of it, each its own process, logs in
 * `artifacts/<prefix>{contacts,gateway}.log`. Resolves once both are ready. Neither outlives
 * the bench: both stop if one never gets ready, or when the bench is interrupted.
 */
export async function startApi(
  prefix: string,
  environment: Record<string, string>,
  { contactsReadyTimeoutMs = 60_000 } = {},
): Promise<BenchApi> {
  const spawnedAt = performance.now();
  const contacts = spawnService('contacts', aPort(), environment, `${prefix}contacts`);
  let contactsReadySeconds = Number.NaN;
  let gateway: ServiceProcess | undefined;
  const stop = async () => {
    await gateway?.stop();
    await contacts.stop();
  };
  const interrupted = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await contacts.untilReady(contactsReadyTimeoutMs);
    contactsReadySeconds = (performance.now() - spawnedAt) / 1000;
    gateway = spawnService(
      'gateway',
      aPort(),
      { ...environment, CONTACTS_URL: contacts.url },
      `${prefix}gateway`,
    );
    await gateway.untilReady();
  } catch (error) {
    await stop();
    throw error;
  }
  return { contacts, gateway, contactsReadySeconds, stop };
}

/** A tag as the seed hands it out: its catalog id and spelling. */
export interface SeedTag {
  tagId: string;
  name: string;
}

/** What one seeded contact carries besides its ids; `tags` are indexes into the catalog. */
export type SeedContactFields = Omit<Partial<Contact>, 'tags' | 'tagIds'> & { tags: number[] };

/**
 * Inserts `count` contacts of one tenant as the contacts service stores them (`tags` and
 * `tagIds` side by side), in batches, then the tag catalog with each tag's usage count. The
 * catalog goes last: once it is there, the seed is complete.
 */
export async function seedContacts(
  database: Db,
  {
    tenantId,
    count,
    catalog,
    contactId,
    fieldsOf,
    batchSize = 5_000,
    progressEvery = 100_000,
  }: {
    tenantId: string;
    count: number;
    catalog: SeedTag[];
    contactId: (index: number) => string;
    fieldsOf: (index: number) => SeedContactFields;
    batchSize?: number;
    progressEvery?: number;
  },
): Promise<void> {
  const contacts = database.collection<Contact>('contacts');
  const usage = catalog.map(() => 0);
  const startedAt = Date.now();
  for (let start = 0; start < count; start += batchSize) {
    const documents: Contact[] = [];
    for (let index = start; index < Math.min(count, start + batchSize); index++) {
      const { tags, ...fields } = fieldsOf(index);
      for (const tag of tags) {
        usage[tag]++;
      }
      documents.push(
        aStoredContact({
          tenantId,
          contactId: contactId(index),
          ...fields,
          tags: tags.map((tag) => catalog[tag].name),
          tagIds: tags.map((tag) => catalog[tag].tagId),
        }),
      );
    }
    await contacts.insertMany(documents, { ordered: false });
    const done = Math.min(count, start + batchSize);
    if (done % progressEvery === 0 || done === count) {
      console.log(
        `  seed: ${done.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} contacts (${secondsSince(startedAt)})`,
      );
    }
  }
  const now = new Date();
  await database.collection<Tag>('tags').insertMany(
    catalog.map(({ tagId, name }, index) => ({
      _id: tagDocumentId(tenantId, tagId),
      tenantId,
      tagId,
      name,
      nameKey: tagNameKey(name),
      colour: defaultColour(name),
      usage: usage[index],
      createdAt: now,
    })),
  );
}

/** Zipf(s) over 1..n by inversion of a precomputed cumulative table. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 1; rank <= n; rank++) {
    total += 1 / rank ** s;
    cumulative[rank - 1] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/**
 * Contacts that have written before: each with one WhatsApp identity, claimed (as the contacts
 * service claims it), and the catalog's one tag. Messages from them are counted on the contact.
 */
export async function seedKnownSenders(
  database: Db,
  {
    tenantId,
    count,
    address,
    contactId,
  }: {
    tenantId: string;
    count: number;
    address: (index: number) => string;
    contactId: (index: number) => string;
  },
): Promise<void> {
  await seedContacts(database, {
    tenantId,
    count,
    catalog: [{ tagId: 't_known', name: 'known' }],
    contactId,
    fieldsOf: (index) => ({
      identities: [{ channel: 'whatsapp', address: address(index) }],
      tags: [],
    }),
  });
  for (let start = 0; start < count; start += 5_000) {
    const claims = [];
    for (let index = start; index < Math.min(count, start + 5_000); index++) {
      claims.push({
        _id: identityKey(tenantId, 'whatsapp', address(index)),
        tenantId,
        contactId: contactId(index),
      });
    }
    await database.collection<{ _id: string }>('identity_claims').insertMany(claims, { ordered: false });
  }
}
