import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { identityKey, topicNames, topicSpecs, type TopicNames } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { aBlocklistEntry, deleteTopicsWithPrefix, expectEventually } from '@switchboard/testing';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const BLOCKED_IDENTITIES = 150_000;
/** What an orchestrator's liveness probe waits before it counts a failure (Kubernetes' default). */
const PROBE_DEADLINE_MS = 1_000;

interface Probe {
  answered: boolean;
  detail: string;
}

/** One `/health/live` probe as an orchestrator sends it: an answer within the deadline, or a failure. */
async function probeLiveness(url: string): Promise<Probe> {
  try {
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(PROBE_DEADLINE_MS) });
    return { answered: response.ok, detail: `status ${response.status}` };
  } catch (error) {
    return { answered: false, detail: (error as Error).name };
  }
}

/**
 * A filter instance that loads a big blocklist at start keeps answering liveness throughout:
 * a probe that fails while it works gets the instance killed and the load starts over.
 */
describe('message filter liveness while it loads a big blocklist', () => {
  const prefix = `liveness-${randomUUID().slice(0, 8)}.`;
  const tenant = 'liveness-tenant';
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;
  let filter: ServiceProcess | undefined;

  beforeAll(async () => {
    kafka = createKafkaClient('liveness-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 6));
    producer = kafka.producer();
    await producer.connect();
    for (let start = 0; start < BLOCKED_IDENTITIES; start += 10_000) {
      const entries = Array.from({ length: 10_000 }, (_, offset) =>
        aBlocklistEntry({ tenantId: tenant, address: `+1444${String(start + offset).padStart(7, '0')}` }),
      );
      await producer.send({
        topic: topics.contactBlocklist,
        messages: entries.map((entry) => ({
          key: identityKey(tenant, entry.channel, entry.address),
          value: JSON.stringify(entry),
        })),
      });
    }
  });

  afterAll(async () => {
    await filter?.stop();
    await producer?.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  it(`answers every liveness probe while it loads ${BLOCKED_IDENTITIES} blocked identities`, async () => {
    const port = aPort();
    filter = spawnService('message-filter', port, { TOPIC_PREFIX: prefix }, `${prefix}filter`);
    const url = `http://127.0.0.1:${port}`;
    const probes: Probe[] = [];
    // Probing starts once the process serves HTTP, i.e. before it has loaded anything.
    await expectEventually(async () => expect((await probeLiveness(url)).answered).toBe(true), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    await expectEventually(
      async () => {
        probes.push(await probeLiveness(url));
        const ready = await fetch(`${url}/health/ready`, {
          signal: AbortSignal.timeout(PROBE_DEADLINE_MS),
        }).catch(() => undefined);
        expect(ready?.status).toBe(200);
      },
      { timeoutMs: 180_000, intervalMs: 50 },
    );

    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((probe) => !probe.answered)).toEqual([]);
  });
});
