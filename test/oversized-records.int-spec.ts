import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { deadLetterTopic, topicNames, topicSpecs, type TopicNames } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { anInboundMessage, deleteTopicsWithPrefix, expectEventually, TopicProbe } from '@switchboard/testing';
import { startMessageFilter, untilReady, type RunningService } from './support/system';

const ACCEPTED_MAX_BYTES = 3_000;
const DEAD_LETTER_MAX_BYTES = 10_000;

/**
 * The message filter over topics whose limits disagree, as a deployment may have them:
 * `messages.accepted` and the DLQ take smaller records than `messages.inbound`. A message whose
 * output the broker refuses (MESSAGE_TOO_LARGE) must not stop its partition.
 */
describe('records whose output the broker refuses as too large', () => {
  const prefix = `oversize-${randomUUID().slice(0, 8)}.`;
  let topics: TopicNames;
  let kafka: Kafka;
  let producer: Producer;
  let probe: TopicProbe;
  let filter: RunningService;

  beforeAll(async () => {
    kafka = createKafkaClient('oversized-records-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    const limits: Record<string, string> = {
      [topics.messagesAccepted]: String(ACCEPTED_MAX_BYTES),
      [deadLetterTopic(topics.messagesInbound)]: String(DEAD_LETTER_MAX_BYTES),
    };
    await ensureTopics(
      kafka,
      topicSpecs(topics, 1).map((spec) =>
        limits[spec.name]
          ? { ...spec, config: { ...spec.config, 'max.message.bytes': limits[spec.name] } }
          : spec,
      ),
    );
    producer = kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(kafka, [
      topics.messagesAccepted,
      deadLetterTopic(topics.messagesInbound),
    ]).start();
    filter = await startMessageFilter({ TOPIC_PREFIX: prefix, TOPIC_PARTITIONS: '1' });
    await untilReady(filter);
  });

  afterAll(async () => {
    await filter?.close();
    await probe?.stop();
    await producer?.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  const send = (...messages: ReturnType<typeof anInboundMessage>[]) =>
    producer.send({
      topic: topics.messagesInbound,
      messages: messages.map((message) => ({
        key: `${message.tenantId}|${message.channel}|${message.from}`,
        value: JSON.stringify(message),
      })),
    });
  const acceptedIds = () =>
    probe.json<{ messageId: string }>(topics.messagesAccepted).map((message) => message.messageId);
  const deadLetters = () => probe.of(deadLetterTopic(topics.messagesInbound));

  it('sends a message too large for messages.accepted to the DLQ with the reason and routes the next ones', async () => {
    const from = anInboundMessage().from;
    const before = anInboundMessage({ from });
    const tooLarge = anInboundMessage({ from, content: { text: 'x'.repeat(2 * ACCEPTED_MAX_BYTES) } });
    const after = anInboundMessage({ from });
    await send(before, tooLarge, after);

    await expectEventually(
      () => {
        expect(acceptedIds()).toEqual(expect.arrayContaining([before.messageId, after.messageId]));
        const copy = deadLetters().find((record) => record.value?.toString().includes(tooLarge.messageId));
        expect(copy).toBeDefined();
        expect(String(copy!.headers['dlq-error-code'])).toBe('kafka-message-too-large');
        expect(String(copy!.headers['dlq-reason'])).toMatch(/larger than the max message size/);
        expect(copy!.headers['dlq-truncated']).toBeUndefined();
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(acceptedIds()).not.toContain(tooLarge.messageId);
  });

  it('sends a truncated copy with the reason when the DLQ refuses the message too, and routes the next ones', async () => {
    const from = anInboundMessage().from;
    const tooLarge = anInboundMessage({ from, content: { text: 'y'.repeat(2 * DEAD_LETTER_MAX_BYTES) } });
    const after = anInboundMessage({ from });
    await send(tooLarge, after);

    await expectEventually(
      () => {
        expect(acceptedIds()).toContain(after.messageId);
        const copy = deadLetters().find((record) => record.value?.toString().includes(tooLarge.messageId));
        expect(copy).toBeDefined();
        expect(String(copy!.headers['dlq-truncated'])).toBe(
          String(Buffer.byteLength(JSON.stringify(tooLarge))),
        );
        expect(copy!.value!.length).toBeLessThanOrEqual(1024);
        expect(String(copy!.headers['dlq-error-code'])).toBe('kafka-message-too-large');
        expect(String(copy!.headers['dlq-source-offset'])).toMatch(/^\d+$/);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });
});
