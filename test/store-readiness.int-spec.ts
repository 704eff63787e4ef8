import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { contactKey, topicNames, topicSpecs, type TopicNames } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aContactCommand,
  aWhatsappIdentity,
  deleteTopicsWithPrefix,
  expectEventually,
} from '@switchboard/testing';
import {
  privateFerretDbAvailable,
  startPrivateFerretDb,
  type PrivateFerretDb,
} from './support/private-ferretdb';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

/** What a load balancer's readiness probe waits (the checks' own deadline is 1 s). */
const PROBE_DEADLINE_MS = 3_000;

async function readiness(contacts: ServiceProcess): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${contacts.url}/health/ready`, {
    signal: AbortSignal.timeout(PROBE_DEADLINE_MS),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * The contacts service over a store that wedged (its own FerretDB, wedged on purpose):
 * `/health/ready` answers 503 with the store not ready, instead of hanging with the store, and
 * once the store is restarted (what the supervisor does) the service has its store back.
 */
(privateFerretDbAvailable() ? describe : describe.skip)('contacts readiness when the store wedges', () => {
  const prefix = `sready-${randomUUID().slice(0, 8)}.`;
  const database = `sready_${randomUUID().slice(0, 8)}`;
  let store: PrivateFerretDb;
  let contacts: ServiceProcess | undefined;
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: Producer;

  beforeAll(async () => {
    store = startPrivateFerretDb(aPort());
    kafka = createKafkaClient('store-readiness-test', process.env.KAFKA_BROKERS!.split(','));
    topics = topicNames(prefix);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await contacts?.crash(); // its shutdown would wait on a wedged store
    await producer?.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
    store?.stop();
  });

  it('answers 503, the store not ready, while the store does not answer', async () => {
    contacts = spawnService('contacts', aPort(), {
      MONGODB_URI: store.uri,
      STORE_POOL_CONNECTIONS: String(store.pool),
      STORE_SHARING_PROCESSES: '1',
      TOPIC_PREFIX: prefix,
      MONGODB_DB: database,
    });
    await contacts.untilReady();

    expect(await store.wedge()).toBe(true);

    await expectEventually(
      async () => {
        expect(await readiness(contacts!)).toMatchObject({
          status: 503,
          body: { status: 'unavailable', checks: { store: false } },
        });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  it('is ready again and applies commands once the wedged store is restarted', async () => {
    store.restart();

    await expectEventually(
      async () => {
        expect(await readiness(contacts!)).toMatchObject({ status: 200, body: { checks: { store: true } } });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );

    const tenantId = 'ready-tenant';
    const contactId = `c_ready_${randomUUID().slice(0, 8)}`;
    await producer.send({
      topic: topics.contactCommands,
      messages: [
        {
          key: contactKey(tenantId, contactId),
          value: JSON.stringify(
            aContactCommand({ tenantId, contactId, payload: { identities: [aWhatsappIdentity()] } }),
          ),
        },
      ],
    });
    const client = await MongoClient.connect(store.uri);
    try {
      await expectEventually(
        async () => {
          expect(
            await client.db(database).collection('contacts').findOne({ tenantId, contactId }),
          ).not.toBeNull();
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    } finally {
      await client.close();
    }
  });
});
