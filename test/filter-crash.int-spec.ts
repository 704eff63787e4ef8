import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import {
  deadLetterTopic,
  identityKey,
  topicNames,
  topicSpecs,
  type BlocklistEntry,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aBlocklistEntry,
  anInboundMessage,
  expectEventually,
  deleteTopicsWithPrefix,
} from '@switchboard/testing';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const MESSAGES = 100_000;
const SENDERS = 2_000;
const BLOCKED_SENDERS = 200;
const POISON_EVERY = 1_000;

type Destination = 'accepted' | 'blocked' | 'dlq';

/**
 * kill -9 of the message filter in the middle of a 100,000-message run, then a restart:
 * every message ends up in exactly one of accepted / blocked / DLQ, at least once; none is lost.
 */
// Deadlines follow progress (a slow machine only takes longer; stalled work fails), so the
// test's own limit is a generous ceiling.
jest.setTimeout(1_800_000);

describe('message filter crash (kill -9) in the middle of a run', () => {
  const prefix = `crash-${randomUUID().slice(0, 8)}.`;
  const tenant = 'crash-tenant';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let observer: Consumer;
  let filter: ServiceProcess | undefined;
  const seen = new Map<string, Set<Destination>>();
  let deliveries = 0;

  beforeAll(async () => {
    kafka = createKafkaClient('crash-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 6));
    producer = kafka.producer();
    await producer.connect();
    observer = kafka.consumer({ groupId: `crash-observer-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await observer.connect();
    await observer.subscribe({
      topics: [topics.messagesAccepted, topics.messagesBlocked, deadLetterTopic(topics.messagesInbound)],
      fromBeginning: true,
    });
    await observer.run({
      eachBatch: async ({ batch }) => {
        const destination: Destination =
          batch.topic === topics.messagesAccepted
            ? 'accepted'
            : batch.topic === topics.messagesBlocked
              ? 'blocked'
              : 'dlq';
        for (const message of batch.messages) {
          const messageId = messageIdOf(destination, message.value);
          const destinations = seen.get(messageId) ?? new Set<Destination>();
          destinations.add(destination);
          seen.set(messageId, destinations);
          deliveries++;
        }
        await Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await filter?.stop();
    await observer?.disconnect();
    await producer?.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  it('routes every message exactly once per destination kind, losing none', async () => {
    const senders = Array.from({ length: SENDERS }, (_, index) => `+1555${String(index).padStart(7, '0')}`);
    const blocked = new Set(senders.slice(0, BLOCKED_SENDERS));
    const entries: BlocklistEntry[] = [...blocked].map((address) =>
      aBlocklistEntry({ tenantId: tenant, address }),
    );
    await producer.send({
      topic: topics.contactBlocklist,
      messages: entries.map((entry) => ({
        key: identityKey(tenant, entry.channel, entry.address),
        value: JSON.stringify(entry),
      })),
    });

    const expected = new Map<string, Destination>();
    for (let start = 0; start < MESSAGES; start += 5_000) {
      const batch = Array.from({ length: 5_000 }, (_, offset) => {
        const index = start + offset;
        const from = senders[index % SENDERS];
        const message = anInboundMessage({ messageId: `crash-${index}`, tenantId: tenant, from });
        if (index % POISON_EVERY === 0) {
          expected.set(message.messageId, 'dlq');
          return {
            key: identityKey(tenant, 'whatsapp', from),
            value: JSON.stringify({ ...message, sentAt: 'not a date' }),
          };
        }
        expected.set(message.messageId, blocked.has(from) ? 'blocked' : 'accepted');
        return { key: identityKey(tenant, 'whatsapp', from), value: JSON.stringify(message) };
      });
      await producer.send({ topic: topics.messagesInbound, messages: batch });
    }

    const environment = { TOPIC_PREFIX: prefix, INBOUND_PARTITIONS_CONCURRENTLY: '6' };
    filter = spawnService('message-filter', aPort(), environment, `${prefix}filter-1`);
    await expectEventually(() => expect(seen.size).toBeGreaterThan(MESSAGES / 4), {
      timeoutMs: 60_000,
      intervalMs: 20,
      progress: () => seen.size,
    });
    await filter.crash();
    const seenAtCrash = seen.size;

    filter = spawnService('message-filter', aPort(), environment, `${prefix}filter-2`);
    await filter.untilReady();
    await expectEventually(() => expect(seen.size).toBe(MESSAGES), {
      timeoutMs: 60_000,
      intervalMs: 250,
      progress: () => seen.size,
    });

    const wrong = [...expected].filter(([messageId, destination]) => {
      const destinations = seen.get(messageId);
      return destinations?.size !== 1 || !destinations.has(destination);
    });
    const missing = [...expected.keys()].filter((messageId) => !seen.has(messageId));
    console.log(
      `filter crash: records in ${MESSAGES}, accounted for ${seen.size}, seen at crash ${seenAtCrash}, ` +
        `duplicates ${deliveries - seen.size}, lost ${missing.length}, misrouted ${wrong.length}`,
    );
    expect(missing).toEqual([]);
    expect(wrong).toEqual([]);
  });
});

function messageIdOf(destination: Destination, value: Buffer | null): string {
  const parsed = JSON.parse(value?.toString() ?? 'null') as {
    messageId?: string;
    message?: { messageId: string };
  };
  return destination === 'blocked' ? parsed.message!.messageId : parsed.messageId!;
}
