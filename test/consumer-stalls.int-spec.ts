import {
  Module,
  type INestApplication,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { Kafka, type Producer } from 'kafkajs';
import { Logger } from 'nestjs-pino';
import { deadLetterTopic } from '@switchboard/contracts';
import { ServiceSettings, SettingsModule } from '@switchboard/config';
import {
  ConsumerStallCheck,
  createKafkaClient,
  ensureTopics,
  KafkaModule,
  KafkaProducer,
  RecordConsumer,
} from '@switchboard/kafka';
import { ObservabilityModule, ReadinessRegistry } from '@switchboard/observability';
import { deleteTopicsWithPrefix, expectEventually, TopicProbe } from '@switchboard/testing';
import { testEnvironment } from './support/system';

/** A port nothing listens on (yet): the dependency of the flaky consumer. */
async function aFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Opens (and closes) a TCP connection: refused while the dependency is down, a transient failure. */
function callDependency(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

interface StallBody {
  status: string;
  checks: Record<string, boolean>;
  details?: {
    'consumer-progress'?: {
      stalledPartitions: {
        group: string;
        topic: string;
        partition: number;
        lag: string;
        noProgressForSeconds: number;
      }[];
    };
  };
}

async function readiness(url: string): Promise<{ status: number; body: StallBody }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as StallBody };
}

/** The value of one sample of a metric, from the Prometheus text at `/metrics`. */
async function metric(
  url: string,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then((response) => response.text());
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find((sample) => sample.startsWith(`${name}{`) && wanted.every((pair) => sample.includes(pair)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Consumers built on RecordConsumer the way the apps build theirs, in a small service of their
 * own, against the real broker: one whose handler calls a TCP dependency that refuses until the
 * test starts it, one whose batch handler has a bug that one record triggers.
 */
describe('consumer progress and readiness', () => {
  const prefix = `stall-${randomUUID().slice(0, 8)}.`;
  const flakyTopic = `${prefix}flaky.input`;
  const buggyTopic = `${prefix}buggy.input`;
  const flakyGroup = `${prefix}flaky-dependency`;
  const buggyGroup = `${prefix}buggy-batch`;
  const handledByFlaky: string[] = [];
  const handledByBuggy: string[] = [];
  let dependencyPort: number;
  let dependency: Server | undefined;
  let kafka: Kafka;
  let producer: Producer;
  let probe: TopicProbe;
  let app: INestApplication;
  let url: string;

  class TestConsumers implements OnApplicationBootstrap, OnModuleDestroy {
    private readonly consumers: RecordConsumer[];

    constructor(
      kafkaClient: Kafka,
      kafkaProducer: KafkaProducer,
      registry: ReadinessRegistry,
      stallCheck: ConsumerStallCheck,
    ) {
      const flaky = new RecordConsumer(kafkaClient, kafkaProducer, {
        groupId: flakyGroup,
        topics: [flakyTopic],
        fromBeginning: true,
        handleRecord: async (record) => {
          await callDependency(dependencyPort);
          handledByFlaky.push(record.value!.toString());
        },
        stallCheck,
      });
      const buggy = new RecordConsumer(kafkaClient, kafkaProducer, {
        groupId: buggyGroup,
        topics: [buggyTopic],
        fromBeginning: true,
        handleBatch: (records) => {
          const values = records.map((record) => record.value!.toString());
          if (values.includes('bug')) {
            throw new TypeError("Cannot read properties of undefined (reading 'bug')");
          }
          handledByBuggy.push(...values);
        },
        stallCheck,
      });
      this.consumers = [flaky, buggy];
      registry.register('test-consumers', () => this.consumers.every((consumer) => consumer.isReady()));
    }

    async onApplicationBootstrap(): Promise<void> {
      await Promise.all(this.consumers.map((consumer) => consumer.start()));
    }

    async onModuleDestroy(): Promise<void> {
      await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    }
  }

  @Module({
    imports: [
      SettingsModule.forRoot(ServiceSettings, testEnvironment({ CONSUMER_STALL_MS: '1000' })),
      ObservabilityModule.forService('stall-test'),
      KafkaModule.forService('stall-test'),
    ],
    providers: [
      {
        provide: TestConsumers,
        inject: [Kafka, KafkaProducer, ReadinessRegistry, ConsumerStallCheck],
        useFactory: (
          kafkaClient: Kafka,
          kafkaProducer: KafkaProducer,
          registry: ReadinessRegistry,
          stallCheck: ConsumerStallCheck,
        ) => new TestConsumers(kafkaClient, kafkaProducer, registry, stallCheck),
      },
    ],
  })
  class StallTestModule {}

  beforeAll(async () => {
    kafka = createKafkaClient('consumer-stalls-test', process.env.KAFKA_BROKERS!.split(','));
    await ensureTopics(
      kafka,
      [flakyTopic, buggyTopic, deadLetterTopic(flakyTopic), deadLetterTopic(buggyTopic)].map((name) => ({
        name,
        partitions: 2,
        config: {},
      })),
    );
    producer = kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(kafka, [deadLetterTopic(buggyTopic)]).start();
    dependencyPort = await aFreePort();
    app = await NestFactory.create(StallTestModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await expectEventually(async () => expect((await readiness(url)).status).toBe(200), {
      timeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => (dependency ? dependency.close(resolve) : resolve(undefined)));
    await probe?.stop();
    await producer?.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  it('is not ready while a consumer with lag is stuck on a failing dependency, naming the partitions, and ready again once it answers', async () => {
    await producer.send({ topic: flakyTopic, messages: [{ partition: 0, key: 'a', value: 'first' }] });

    const stuck = await expectEventually(
      async () => {
        const { status, body } = await readiness(url);
        expect(status).toBe(503);
        expect(body.checks['consumer-progress']).toBe(false);
        expect(body.details?.['consumer-progress']?.stalledPartitions).toEqual([
          expect.objectContaining({ group: flakyGroup, topic: flakyTopic, partition: 0, lag: '1' }),
        ]);
        return body.details!['consumer-progress']!.stalledPartitions[0];
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(stuck.noProgressForSeconds).toBeGreaterThanOrEqual(1);
    const partition0 = { group: flakyGroup, topic: flakyTopic, partition: '0' };
    expect(await metric(url, 'switchboard_consumer_lag', partition0)).toBe(1);
    expect(await metric(url, 'switchboard_consumer_end_offset', partition0)).toBe(1);
    expect(await metric(url, 'switchboard_consumer_committed_offset', partition0)).toBe(0);
    expect(await metric(url, 'switchboard_consumer_seconds_since_progress', partition0)).toBeGreaterThan(0);

    // The other partition gets no batch while its consumer is stuck: its lag comes from the broker.
    await producer.send({ topic: flakyTopic, messages: [{ partition: 1, key: 'b', value: 'second' }] });
    const partition1 = { group: flakyGroup, topic: flakyTopic, partition: '1' };
    await expectEventually(
      async () => {
        expect(await metric(url, 'switchboard_consumer_lag', partition1)).toBe(1);
        const { body } = await readiness(url);
        expect(body.details?.['consumer-progress']?.stalledPartitions).toEqual(
          expect.arrayContaining([expect.objectContaining({ group: flakyGroup, partition: 1, lag: '1' })]),
        );
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(handledByFlaky).toEqual([]);

    dependency = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => dependency!.listen(dependencyPort, '127.0.0.1', resolve));

    await expectEventually(
      async () => {
        const { status, body } = await readiness(url);
        expect(status).toBe(200);
        expect(body.details).toBeUndefined();
        expect(await metric(url, 'switchboard_consumer_lag', partition0)).toBe(0);
        expect(await metric(url, 'switchboard_consumer_lag', partition1)).toBe(0);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(handledByFlaky.sort()).toEqual(['first', 'second']);
  });

  it('moves a batch consumer past the record its handler fails on: that record goes to the DLQ, the others are handled', async () => {
    await producer.send({
      topic: buggyTopic,
      messages: ['a', 'bug', 'c'].map((value) => ({ partition: 0, key: 'k', value })),
    });

    await expectEventually(
      async () => {
        expect(handledByBuggy).toEqual(['a', 'c']);
        const deadLetters = probe.of(deadLetterTopic(buggyTopic));
        expect(deadLetters.map((record) => record.value?.toString())).toEqual(['bug']);
        expect(String(deadLetters[0].headers['dlq-reason'])).toContain("reading 'bug'");
        expect(String(deadLetters[0].headers['dlq-error-code'])).toBe('TypeError');
        expect(
          await metric(url, 'switchboard_consumer_lag', {
            group: buggyGroup,
            topic: buggyTopic,
            partition: '0',
          }),
        ).toBe(0);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });
});
