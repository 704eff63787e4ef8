/**
 * bench:block — 200 contacts blocked one after another through the gateway, each sending a
 * probe message every 2 ms around its block, under the ingest load of bench:ingest's shape (a):
 * inbound messages from 100,000 known contacts, Zipf-distributed, through the real filter and
 * contacts services. Prints block-confirmation latency p50/p99 (POST /block → 200), how many
 * probes produced after a confirmed block reached messages.accepted (the goal is 0), and what
 * the contacts service recorded of the background meanwhile.
 *
 *   npm run bench:block [-- --contacts 200 --background-rate 5000 --known 100000 --instances 1,3]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  identityKey,
  topicNames,
  topicSpecs,
  type BlockedMessage,
  type InboundMessage,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { mintToken } from '@switchboard/testing';
import { aPort, spawnService } from '../test/support/service-process';
import { MongoClient } from 'mongodb';
import {
  aBenchProducer,
  brokers,
  committedBy,
  ensureLocalStack,
  formatRate,
  mongoUri,
  percentile,
  removeRun,
  seedKnownSenders,
  seededRandom,
  zipf,
} from './bench-support';

const { values: options } = parseArgs({
  options: {
    contacts: { type: 'string', default: '200' },
    'background-rate': { type: 'string', default: '5000' },
    known: { type: 'string', default: '100000' },
    instances: { type: 'string', default: '1,3' },
    'probe-interval-ms': { type: 'string', default: '2' },
    'probe-after-ms': { type: 'string', default: '100' },
  },
});
const CONTACTS = Number(options.contacts);
const BACKGROUND_RATE = Number(options['background-rate']);
const KNOWN = Number(options.known);
const INSTANCE_COUNTS = options.instances.split(',').map(Number);
const PROBE_INTERVAL_MS = Number(options['probe-interval-ms']);
const PROBE_AFTER_MS = Number(options['probe-after-ms']);
const TENANT = 'bench-block';

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

function message(from: string, messageId: string): InboundMessage {
  return {
    messageId,
    tenantId: TENANT,
    channel: 'whatsapp',
    from,
    to: '+14155550100',
    type: 'text',
    content: { text: 'probe' },
    sentAt: new Date().toISOString(),
  };
}

interface BlockRun {
  p99: number;
  recordedRate: number;
}

/** One run with `instances` contacts services, on its own topics and database. */
async function runWith(instances: number): Promise<BlockRun> {
  const prefix = `benchblock-${Date.now().toString(36)}.`;
  const kafka = createKafkaClient('bench-block', brokers());
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, 12));
  const environment = {
    TOPIC_PREFIX: prefix,
    MONGODB_DB: prefix.replace(/[.-]/g, '_'),
    LOG_LEVEL: 'warn',
    COMMAND_TIMEOUT_MS: '3000',
    STORE_SHARING_PROCESSES: String(Math.max(4, instances + 1)),
  };
  const knownAddress = (index: number) => `+1${String(5_000_000_000 + index)}`;
  const store = await MongoClient.connect(mongoUri());
  await seedKnownSenders(store.db(environment.MONGODB_DB), {
    tenantId: TENANT,
    count: KNOWN,
    address: knownAddress,
    contactId: (index) => `c_known_${index}`,
  });
  await store.close();
  const contactsServices = Array.from({ length: instances }, (_, instance) =>
    spawnService('contacts', aPort(), environment, `${prefix}contacts-${instance}`),
  );
  const contactsService = contactsServices[0];
  const filter = spawnService('message-filter', aPort(), environment, `${prefix}filter`);
  await Promise.all(contactsServices.map((service) => service.untilReady()));
  const gateway = spawnService(
    'gateway',
    aPort(),
    { ...environment, CONTACTS_URL: contactsService.url },
    `${prefix}gateway`,
  );
  await Promise.all([gateway.untilReady(), filter.untilReady()]);
  const token = mintToken({ tenant: TENANT, sub: 'bench-agent', role: 'agent' });
  console.log(
    `bench:block — ${CONTACTS} contacts blocked one after another, probes every ${PROBE_INTERVAL_MS} ms, background ${BACKGROUND_RATE} msgs/s from ${KNOWN.toLocaleString('en-US')} known contacts (Zipf 1.1), ${instances} contacts instance(s) (topics ${prefix}*)`,
  );

  const addresses: { contactId: string; address: string }[] = [];
  for (let index = 0; index < CONTACTS; index++) {
    const address = `+1${String(3_000_000_000 + index)}`;
    const response = await fetch(`${gateway.url}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identities: [{ channel: 'whatsapp', address }] }),
    });
    const contact = (await response.json()) as { contactId: string };
    addresses.push({ contactId: contact.contactId, address });
  }

  // Where every probe ended up.
  const acceptedProbes = new Set<string>();
  const blockedProbes = new Set<string>();
  const observer = kafka.consumer({ groupId: `${prefix}observer`, maxWaitTimeInMs: 50 });
  await observer.connect();
  await observer.subscribe({
    topics: [topics.messagesAccepted, topics.messagesBlocked],
    fromBeginning: true,
  });
  await observer.run({
    eachBatch: async ({ batch }) => {
      for (const record of batch.messages) {
        const value = JSON.parse(record.value!.toString()) as InboundMessage | BlockedMessage;
        const messageId = 'message' in value ? value.message.messageId : value.messageId;
        if (messageId.startsWith('probe-')) {
          (batch.topic === topics.messagesAccepted ? acceptedProbes : blockedProbes).add(messageId);
        }
      }
      await Promise.resolve();
    },
  });

  const producer = aBenchProducer(kafka);
  await producer.connect();
  let running = true;
  const draw = zipf(KNOWN, 1.1, seededRandom(3));
  let backgroundSent = 0;
  const backgroundStartedAt = Date.now();
  const background = (async () => {
    let index = 0;
    while (running) {
      const tickStart = Date.now();
      const batch = Array.from({ length: Math.max(1, BACKGROUND_RATE / 100) }, () => {
        index++;
        const from = knownAddress(draw());
        return {
          key: identityKey(TENANT, 'whatsapp', from),
          value: JSON.stringify(message(from, `bg-${index}`)),
        };
      });
      await producer.send({ topic: topics.messagesInbound, messages: batch });
      backgroundSent += batch.length;
      await sleep(Math.max(0, 10 - (Date.now() - tickStart)));
    }
  })();

  const confirmations: number[] = [];
  let notConfirmed = 0;
  const probesAfterConfirmation: string[] = [];
  let probesSent = 0;
  for (const { contactId, address } of addresses) {
    let confirmedAt: number | undefined;
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const producedAt = Date.now();
        const messageId = `probe-${randomUUID()}`;
        await producer.send({
          topic: topics.messagesInbound,
          messages: [
            {
              key: identityKey(TENANT, 'whatsapp', address),
              value: JSON.stringify(message(address, messageId)),
            },
          ],
        });
        probesSent++;
        if (confirmedAt !== undefined && producedAt > confirmedAt) {
          probesAfterConfirmation.push(messageId);
        }
        await sleep(PROBE_INTERVAL_MS);
      }
    })();
    await sleep(20);
    const startedAt = performance.now();
    const response = await fetch(`${gateway.url}/v1/contacts/${contactId}/block`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'bench' }),
    });
    const elapsed = performance.now() - startedAt;
    await response.arrayBuffer();
    if (response.status === 200) {
      confirmedAt = Date.now();
      confirmations.push(elapsed);
    } else {
      notConfirmed++;
    }
    await sleep(PROBE_AFTER_MS);
    probing = false;
    await prober;
  }
  running = false;
  await background;
  const backgroundSeconds = (Date.now() - backgroundStartedAt) / 1000;
  const recorded = await committedBy(kafka, `${prefix}contacts-messages`, topics.messagesAccepted);

  const deadline = Date.now() + 30_000;
  while (acceptedProbes.size + blockedProbes.size < probesSent && Date.now() < deadline) {
    await sleep(100);
  }
  const leaked = probesAfterConfirmation.filter((messageId) => acceptedProbes.has(messageId));
  confirmations.sort((left, right) => left - right);
  console.log('');
  console.log(
    `  block confirmation    p50 ${percentile(confirmations, 0.5).toFixed(1)} ms, p99 ${percentile(confirmations, 0.99).toFixed(1)} ms, max ${confirmations[confirmations.length - 1].toFixed(1)} ms (${confirmations.length} confirmed with 200, ${notConfirmed} answered otherwise)`,
  );
  console.log(
    `  probes                ${probesSent} sent, ${acceptedProbes.size + blockedProbes.size} routed (${blockedProbes.size} dropped, ${acceptedProbes.size} accepted)`,
  );
  console.log(
    `  after a confirmed block: ${probesAfterConfirmation.length} probes produced, ${leaked.length} reached messages.accepted`,
  );
  console.log(
    `  background            ${formatRate(backgroundSent / backgroundSeconds)} offered for ${backgroundSeconds.toFixed(0)} s; the contacts service recorded ${formatRate(recorded / backgroundSeconds)} of it meanwhile`,
  );

  await observer.disconnect();
  await producer.disconnect();
  await Promise.all([gateway.stop(), filter.stop()]);
  await Promise.all(contactsServices.map((service) => service.stop()));
  await removeRun(kafka, prefix, environment.MONGODB_DB);
  return { p99: percentile(confirmations, 0.99), recordedRate: recorded / backgroundSeconds };
}

async function main(): Promise<void> {
  ensureLocalStack();
  const runs: BlockRun[] = [];
  for (const instances of INSTANCE_COUNTS) {
    runs.push(await runWith(instances));
  }
  for (let index = 1; index < runs.length; index++) {
    console.log(
      `\nscaling: ${INSTANCE_COUNTS[index]} contacts instances recorded ${(runs[index].recordedRate / runs[0].recordedRate).toFixed(2)}× the background ${INSTANCE_COUNTS[0]} did, confirmation p99 ${runs[index].p99.toFixed(1)} ms against ${runs[0].p99.toFixed(1)} ms`,
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
