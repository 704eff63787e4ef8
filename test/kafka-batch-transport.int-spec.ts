import {
  Controller,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type INestApplication,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { Kafka, type Producer } from 'kafkajs';
import { deadLetterTopic, topicNames, topicSpecs } from '@switchboard/contracts';
import {
  CONSUMER_GROUPS,
  ConsumerStallCheck,
  createKafkaClient,
  ensureTopics,
  KafkaBatchTransport,
  KafkaConsumerContext,
  KafkaEventPattern,
  KafkaProducer,
  PoisonRecordError,
  TOPICS,
  type ConsumedRecord,
  type ConsumerGroups,
  type KafkaEventTopic,
} from '@switchboard/kafka';
import type { ServiceSettings } from '@switchboard/config';
import { ReadinessRegistry, startApp } from '@switchboard/observability';
import { expectEventually, TopicProbe } from '@switchboard/testing';

/** What the handlers of one test app saw, in order, and what its shutdown did when. */
@Injectable()
class Journal implements OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly attempts: string[] = [];
  readonly handled: string[] = [];
  readonly batches: { topic: string; partition: number; offsets: string[]; contextPartition: number }[] = [];
  readonly shutdown: string[] = [];
  /** When set, a batch handler waits for it before it finishes. */
  hold?: Promise<void>;

  onModuleDestroy(): void {
    this.shutdown.push('destroy hooks');
  }

  beforeApplicationShutdown(): void {
    this.shutdown.push('before shutdown hooks');
  }

  onApplicationShutdown(): void {
    this.shutdown.push('store closed'); // where the mongoose connection closes
  }
}

@Controller()
class RecordHandlers {
  constructor(private readonly journal: Journal) {}

  @KafkaEventPattern('contactCommands', { group: 'records' })
  handle(@Payload() record: ConsumedRecord): void {
    const value = record.value!.toString();
    this.journal.attempts.push(value);
    if (value.startsWith('poison')) {
      throw new PoisonRecordError('test-poison', `refused ${value}`);
    }
    this.journal.handled.push(value);
  }
}

@Controller()
class BatchHandlers {
  constructor(private readonly journal: Journal) {}

  @KafkaEventPattern('messagesInbound', { group: 'batches', batch: true })
  handle(@Payload() records: ConsumedRecord[], @Ctx() context: KafkaConsumerContext): void {
    this.journal.batches.push({
      topic: records[0].topic,
      partition: records[0].partition,
      offsets: records.map((record) => record.offset),
      contextPartition: context.getPartition(),
    });
    if (records.some((record) => record.partition !== context.getPartition())) {
      throw new Error('a batch mixes partitions');
    }
    this.journal.handled.push(...records.map((record) => record.value!.toString()));
  }
}

/** Holds its batch while `journal.hold` is pending, to close the app with a batch in hand. */
@Controller()
class HeldBatchHandler {
  constructor(private readonly journal: Journal) {}

  @KafkaEventPattern('contactEvents', { group: 'held', batch: true })
  async handle(@Payload() records: ConsumedRecord[]): Promise<void> {
    this.journal.batches.push({
      topic: records[0].topic,
      partition: records[0].partition,
      offsets: records.map((record) => record.offset),
      contextPartition: records[0].partition,
    });
    await this.journal.hold;
    this.journal.shutdown.push('batch finished');
  }
}

/** A private reader's handler: builds state from every record, as the blocklist follower does. */
@Controller()
class PrivateReaderHandler {
  constructor(private readonly journal: Journal) {}

  @KafkaEventPattern('filterProgress', { group: 'private', batch: true })
  handle(@Payload() records: ConsumedRecord[]): void {
    this.journal.handled.push(...records.map((record) => record.value!.toString()));
  }
}

@Controller()
class UnknownTopicHandler {
  @KafkaEventPattern('contacts.commands' as KafkaEventTopic, { group: 'records' })
  handle(): void {}
}

@Controller()
class PlainEventPatternHandler {
  @EventPattern('contactCommands', { group: 'records' })
  handle(): void {}
}

@Controller()
class UndeclaredGroupHandler {
  @KafkaEventPattern('contactCommands', { group: 'nobody-declared-this' })
  handle(): void {}
}

describe('the Kafka batch transport', () => {
  const runId = Date.now().toString(36);
  // Topics of this suite only: other suites of the run never see its records.
  const topics = topicNames(`${process.env.TOPIC_PREFIX}transport-${runId}.`);
  const groups = (suffix: string): ConsumerGroups => ({
    records: {
      groupId: `${topics.contactCommands}-records-${suffix}`,
      fromBeginning: true,
      readinessCheck: 'records',
    },
    batches: {
      groupId: `${topics.messagesInbound}-batches-${suffix}`,
      fromBeginning: true,
      readinessCheck: 'batches',
    },
  });
  let kafka: Kafka;
  let producer: Producer;
  const apps: INestApplication[] = [];

  async function createApp(
    controllers: Type[],
    consumerGroups: ConsumerGroups,
  ): Promise<{ app: INestApplication; journal: Journal }> {
    @Module({
      controllers,
      providers: [
        Journal,
        ReadinessRegistry,
        { provide: Kafka, useValue: kafka },
        { provide: KafkaProducer, useFactory: () => new KafkaProducer(kafka) },
        { provide: TOPICS, useValue: topics },
        { provide: CONSUMER_GROUPS, useValue: consumerGroups },
        {
          provide: ConsumerStallCheck,
          inject: [ReadinessRegistry],
          useFactory: (readiness: ReadinessRegistry) =>
            new ConsumerStallCheck({ CONSUMER_STALL_MS: 60_000 } as ServiceSettings, readiness),
        },
        KafkaBatchTransport,
      ],
    })
    class TransportTestModule {}
    const app = await NestFactory.create(TransportTestModule, { logger: ['fatal'], abortOnError: false });
    app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(KafkaBatchTransport) });
    apps.push(app);
    return { app, journal: app.get(Journal) };
  }

  const start = (app: INestApplication) => startApp(app, () => Promise.resolve());

  async function send(topic: string, records: { key: string; value: string }[]): Promise<void> {
    await producer.send({ topic, messages: records, acks: -1 });
  }

  async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map(committed.partitions.map(({ partition, offset }) => [partition, offset]));
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    kafka = createKafkaClient('transport-test', process.env.KAFKA_BROKERS!.split(','));
    const wanted = new Set([
      topics.contactCommands,
      topics.messagesInbound,
      topics.contactEvents,
      topics.filterProgress,
    ]);
    const specs = topicSpecs(topics, 3);
    await ensureTopics(
      kafka,
      specs.filter(
        (spec) => wanted.has(spec.name) || [...wanted].some((name) => spec.name === deadLetterTopic(name)),
      ),
    );
    producer = kafka.producer();
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await producer.disconnect();
  });

  it('registers each handler under its group and topic role, and reports each group ready', async () => {
    const { app } = await createApp([RecordHandlers, BatchHandlers], groups('registered'));
    await start(app);

    const transport = app.get(KafkaBatchTransport);
    expect([...transport.getHandlers().keys()].sort()).toEqual([
      'batches:messagesInbound',
      'records:contactCommands',
    ]);
    await expectEventually(async () =>
      expect(await app.get(ReadinessRegistry).evaluate()).toEqual({
        records: true,
        batches: true,
        'consumer-progress': true,
      }),
    );
  });

  it('hands a batch handler whole batches of one partition each, in offset order', async () => {
    const values = Array.from({ length: 30 }, (_, index) => `message-${index}`);
    await send(
      topics.messagesInbound,
      values.map((value, index) => ({ key: `key-${index % 7}`, value })),
    );
    const { app, journal } = await createApp([RecordHandlers, BatchHandlers], groups('batches'));
    await start(app);

    await expectEventually(() => expect([...journal.handled].sort()).toEqual([...values].sort()));
    for (const batch of journal.batches) {
      expect(batch.topic).toBe(topics.messagesInbound);
      expect(batch.contextPartition).toBe(batch.partition);
      const offsets = batch.offsets.map(BigInt);
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    }
    // records waiting before the start come in batches, not one at a time
    expect(journal.batches.length).toBeLessThan(values.length);
  });

  it('sends a poison record to the DLQ with its reason once, commits it and goes on with its partition', async () => {
    const key = `contact-${runId}`;
    await send(topics.contactCommands, [
      { key, value: 'before-poison' },
      { key, value: 'poison-1' },
      { key, value: 'after-poison' },
    ]);
    const consumerGroups = { records: groups('poison').records };
    const { app, journal } = await createApp([RecordHandlers], consumerGroups);
    const dlq = await new TopicProbe(kafka, [deadLetterTopic(topics.contactCommands)]).start();
    try {
      await start(app);

      await expectEventually(() => expect(journal.handled).toEqual(['before-poison', 'after-poison']));
      // the handler's own error reached the transport: classified poison, not retried
      expect(journal.attempts).toEqual(['before-poison', 'poison-1', 'after-poison']);
      const copy = await expectEventually(() => {
        const [record] = dlq.of(deadLetterTopic(topics.contactCommands));
        expect(record).toBeDefined();
        return record;
      });
      expect(copy.value!.toString()).toBe('poison-1');
      expect(copy.headers['dlq-reason']?.toString()).toBe('refused poison-1');
      expect(copy.headers['dlq-error-code']?.toString()).toBe('test-poison');
      expect(copy.headers['dlq-consumer-group']?.toString()).toBe(consumerGroups.records.groupId);
      await expectEventually(async () => {
        const committed = await committedOffsets(consumerGroups.records.groupId, topics.contactCommands);
        expect(
          [...committed.values()].map(Number).reduce((total, offset) => total + Math.max(offset, 0), 0),
        ).toBe(3);
      });
    } finally {
      await dlq.stop();
    }
  });

  it('finishes and commits the batch in hand before the app runs its shutdown hooks and closes the store', async () => {
    await send(topics.contactEvents, [{ key: 'held', value: `held-${runId}` }]);
    const consumerGroups: ConsumerGroups = {
      held: { groupId: `${topics.contactEvents}-held`, fromBeginning: true, readinessCheck: 'held' },
    };
    const { app, journal } = await createApp([HeldBatchHandler], consumerGroups);
    let release!: () => void;
    journal.hold = new Promise<void>((resolve) => (release = resolve));
    await start(app);
    await expectEventually(() => expect(journal.batches.length).toBeGreaterThan(0));

    const closing = app.close();
    await expectEventually(() => expect(journal.shutdown).toContain('destroy hooks'));
    release();
    await closing;

    expect(journal.shutdown).toEqual([
      'destroy hooks',
      'batch finished',
      'before shutdown hooks',
      'store closed',
    ]);
    // and the batch finished during the shutdown is committed: the next owner starts after it
    const [held] = journal.batches;
    const committed = await committedOffsets(consumerGroups.held.groupId, topics.contactEvents);
    expect(committed.get(held.partition)).toBe(
      (BigInt(held.offsets[held.offsets.length - 1]) + 1n).toString(),
    );
  });

  it('runs a private reader: reads from the beginning, commits nothing, ready only once its state is', async () => {
    await send(topics.filterProgress, [
      { key: 'a', value: `report-a-${runId}` },
      { key: 'b', value: `report-b-${runId}` },
    ]);
    let stateReady = false;
    let joins = 0;
    const consumerGroups: ConsumerGroups = {
      private: {
        groupId: `${topics.filterProgress}-private-${runId}`,
        fromBeginning: true,
        commit: false,
        readinessCheck: 'private',
        readyWhen: () => stateReady,
        watchClient: (client) => client.on(client.events.GROUP_JOIN, () => joins++),
      },
    };
    const { app, journal } = await createApp([PrivateReaderHandler], consumerGroups);
    await start(app);

    await expectEventually(() =>
      expect([...journal.handled].sort()).toEqual([`report-a-${runId}`, `report-b-${runId}`]),
    );
    expect(joins).toBeGreaterThan(0);
    // the group holds its partitions, but its state is not there yet
    expect((await app.get(ReadinessRegistry).evaluate()).private).toBe(false);
    stateReady = true;
    expect((await app.get(ReadinessRegistry).evaluate()).private).toBe(true);
    const committed = await committedOffsets(consumerGroups.private.groupId, topics.filterProgress);
    expect([...committed.values()].every((offset) => offset === '-1')).toBe(true);
  });

  it.each([
    ['a pattern that is not a topic role', UnknownTopicHandler, 'kafka-transport-unknown-topic'],
    [
      'a plain @EventPattern, whose errors Nest would mask',
      PlainEventPatternHandler,
      'kafka-transport-unmasked-errors-required',
    ],
    ['a group the service does not declare', UndeclaredGroupHandler, 'kafka-transport-undeclared-group'],
  ])('refuses to start with %s', async (_what, handlers, code) => {
    const { app } = await createApp([handlers, BatchHandlers], groups('refused'));

    await expect(start(app)).rejects.toMatchObject({ code });
  });

  it('refuses to start with a declared group that no handler names', async () => {
    const { app } = await createApp([BatchHandlers], groups('unnamed'));

    await expect(start(app)).rejects.toMatchObject({ code: 'kafka-transport-group-without-handlers' });
  });
});
