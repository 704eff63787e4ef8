/**
 * bench:filter — 1,000,000 inbound messages (~300 bytes) over 12 partitions from 1,000,000
 * known senders, 10,000 of them blocked, through the real message-filter app (built, as `npm
 * start` runs it). Prints the filter's sustained rate, produce→output latency p50/p99 under
 * steady load, its memory, and in the same run a bare consume→produce passthrough and Kafka's
 * own perf tools on the same broker.
 * Unless `--peer none`, the same run also drives a Kafka Streams peer (bench/streams-peer/: the
 * obvious alternative, a GlobalKTable join) over the same inputs into its own output topics, prints
 * both side by side (steady rate, CPU seconds, peak RSS, start-up to first output) and checks that
 * their outputs are the same multiset of (output topic, key, messageId).
 *
 *   npm run bench:filter [-- --messages 1000000 --senders 1000000 --blocked 10000 --peer streams|none]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import {
  deadLetterTopic,
  identityKey,
  topicNames,
  topicSpecs,
  type BlocklistEntry,
} from '@switchboard/contracts';
import { rmSync } from 'node:fs';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aBenchProducer,
  brokers,
  ensureLocalStack,
  formatRate,
  kafkaTool,
  measureDrain,
  memoryOf,
  percentile,
  produceAll,
  producerPerformance,
  removeRun,
  root,
  totalEndOffset,
} from './bench-support';
import {
  buildStreamsPeer,
  compareMultisets,
  countsByRole,
  measureRun,
  outputMultiset,
  PEER_HEAP,
  PEER_THREADS,
  startStreamsPeer,
  type RunMeasure,
} from './peer-support';

const { values: options } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    senders: { type: 'string', default: '1000000' },
    blocked: { type: 'string', default: '10000' },
    partitions: { type: 'string', default: '12' },
    'latency-seconds': { type: 'string', default: '10' },
    /** Share of hostile records (not JSON, wrongly typed, unknown type), in percent. */
    'poison-percent': { type: 'string', default: '0' },
    /** `streams` runs the Kafka Streams peer too (needs Maven and a JDK 17); `none` skips it. */
    peer: { type: 'string', default: 'streams' },
  },
});
if (!['streams', 'none'].includes(options.peer)) {
  throw new Error(`--peer must be streams or none, not ${options.peer}`);
}
const WITH_PEER = options.peer === 'streams';
const MESSAGES = Number(options.messages);
const SENDERS = Number(options.senders);
const BLOCKED = Number(options.blocked);
const PARTITIONS = Number(options.partitions);
const POISON_EVERY =
  Number(options['poison-percent']) > 0 ? Math.round(100 / Number(options['poison-percent'])) : 0;
const TENANT = 'bench';
/** Node flags for both the filter and the passthrough process (for example `--cpu-prof`). */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const senderAddress = (index: number) => `+1${String(2_000_000_000 + index)}`;
// Blocked senders are spread over the whole range.
const isBlocked = (index: number) => index % Math.floor(SENDERS / BLOCKED) === 0;

/** Every `POISON_EVERY`th message is hostile, in turn: not JSON, a wrongly typed field, an unknown type. */
function poisonOf(message: Record<string, unknown>, messageIndex: number): string {
  switch (Math.floor(messageIndex / POISON_EVERY) % 3) {
    case 0:
      return `${JSON.stringify(message).slice(0, 40)}…`;
    case 1:
      return JSON.stringify({ ...message, sentAt: 1_700_000_000 });
    default:
      return JSON.stringify({ ...message, type: 'hologram' });
  }
}

function inboundRecord(messageIndex: number, sentAt = new Date().toISOString()) {
  const sender = (messageIndex * 7919) % SENDERS;
  const from = senderAddress(sender);
  const message = {
    messageId: `bench-${messageIndex}-${randomUUID().slice(0, 8)}`,
    tenantId: TENANT,
    channel: 'whatsapp',
    from,
    to: '+14155550100',
    type: 'text',
    content: { text: 'Hello, I would like to know the status of my order number 12345. Thanks a lot!' },
    sentAt,
    profile: { name: `Customer ${sender}` },
  };
  // Offset from the blocked senders (whose messages have indexes divisible by 100).
  const poisoned = POISON_EVERY > 0 && (messageIndex + 37) % POISON_EVERY === 0;
  return {
    key: identityKey(TENANT, 'whatsapp', from),
    value: poisoned ? poisonOf(message, messageIndex) : JSON.stringify(message),
  };
}

/** The message filter as `npm start` runs it: built (`nest build`), without a TypeScript compiler in the process. */
const BUILT_FILTER = 'dist/apps/message-filter/apps/message-filter/src/main.js';

function buildFilter(): void {
  execFileSync('npx', ['nest', 'build', 'message-filter'], { cwd: root, stdio: 'inherit' });
}

/** Runs a built script with node, a TypeScript one through ts-node. */
function startNode(script: string, environment: Record<string, string>): ChildProcess {
  const loader = script.endsWith('.ts')
    ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register']
    : [];
  return spawn(process.execPath, [...NODE_FLAGS, ...loader, script], {
    cwd: root,
    env: { ...process.env, ...environment, TS_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) {
    return;
  }
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  await exited;
}

async function waitReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const ok = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) {
      return;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  throw new Error(`${url} never became ready`);
}

async function latencyUnderLoad(
  kafka: Kafka,
  inputTopic: string,
  outputTopics: string[],
  ratePerSecond: number,
  seconds: number,
) {
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-latency-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: outputTopics, fromBeginning: false });
  const joined = new Promise<void>((resolveJoin) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolveJoin()),
  );
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const value = JSON.parse(message.value!.toString()) as {
          sentAt?: string;
          message?: { sentAt: string };
        };
        const sentAt = Date.parse(value.sentAt ?? value.message!.sentAt);
        latencies.push(Number(message.timestamp) - sentAt);
      }
      await Promise.resolve();
    },
  });
  await joined;
  await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));
  const producer = aBenchProducer(kafka);
  await producer.connect();
  const perTick = Math.max(1, Math.round(ratePerSecond / 100));
  const endAt = Date.now() + seconds * 1_000;
  let index = 0;
  while (Date.now() < endAt) {
    const tickStart = Date.now();
    const messages = Array.from({ length: perTick }, () => inboundRecord(MESSAGES + index++));
    await producer.send({ topic: inputTopic, messages, acks: -1 });
    await new Promise((resolveWait) => setTimeout(resolveWait, Math.max(0, 10 - (Date.now() - tickStart))));
  }
  const sent = index;
  const deadline = Date.now() + 30_000;
  while (latencies.length < sent && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  await producer.disconnect();
  await consumer.disconnect();
  latencies.sort((left, right) => left - right);
  return {
    sent,
    received: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

const seconds = (value: number) => `${value.toFixed(1)} s`;
const ratio = (project: number, peer: number) => (project / peer).toFixed(2);

/** The side-by-side table of the project's filter and the Streams peer. */
function printComparison(project: RunMeasure, peer: RunMeasure): void {
  const row = (label: string, left: string, right: string, both = '') =>
    console.log(`  ${label.padEnd(26)}${left.padEnd(26)}${right.padEnd(26)}${both}`);
  const perMessage = (run: RunMeasure) => `${((run.drainCpuSeconds / MESSAGES) * 1e6).toFixed(1)} µs/msg`;
  console.log('');
  console.log(
    `  project filter vs Kafka Streams peer (peer: one JVM, num.stream.threads=${PEER_THREADS} + its global thread, heap -Xmx${PEER_HEAP}, G1; one after the other on this ${cpus().length}-core machine, neither pinned)`,
  );
  row('', 'project filter', 'streams peer', 'project/peer');
  row(
    'steady rate (10–90 %)',
    formatRate(project.steadyRate),
    formatRate(peer.steadyRate),
    ratio(project.steadyRate, peer.steadyRate),
  );
  row(
    'sustained (first→last)',
    formatRate(project.sustainedRate),
    formatRate(peer.sustainedRate),
    ratio(project.sustainedRate, peer.sustainedRate),
  );
  row(
    'CPU seconds (total)',
    seconds(project.cpuSeconds),
    seconds(peer.cpuSeconds),
    ratio(project.cpuSeconds, peer.cpuSeconds),
  );
  row(
    'CPU in the drain',
    `${seconds(project.drainCpuSeconds)} (${perMessage(project)})`,
    `${seconds(peer.drainCpuSeconds)} (${perMessage(peer)})`,
    ratio(project.drainCpuSeconds, peer.drainCpuSeconds),
  );
  row(
    'RSS peak',
    `${project.peakRssMiB.toFixed(0)} MiB`,
    `${peer.peakRssMiB.toFixed(0)} MiB`,
    ratio(project.peakRssMiB, peer.peakRssMiB),
  );
  row('start-up to first output', seconds(project.startupSeconds), seconds(peer.startupSeconds));
}

async function main(): Promise<void> {
  ensureLocalStack();
  // Built before anything is measured, so Maven never shares the machine with a run.
  const peerClasspath = WITH_PEER ? buildStreamsPeer() : undefined;
  const kafka = createKafkaClient('bench-filter', brokers());
  const prefix = `bench-${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, PARTITIONS));
  const passthroughInput = `${prefix}passthrough.in`;
  const passthroughOutput = `${prefix}passthrough.out`;
  const perfTopic = `${prefix}perf`;
  await ensureTopics(kafka, [
    { name: passthroughInput, partitions: PARTITIONS, config: {} },
    { name: passthroughOutput, partitions: PARTITIONS, config: {} },
    { name: perfTopic, partitions: PARTITIONS, config: {} },
  ]);
  console.log(
    `bench:filter — ${MESSAGES.toLocaleString('en-US')} messages (${POISON_EVERY ? `1 in ${POISON_EVERY} hostile` : 'none hostile'}), ${SENDERS.toLocaleString('en-US')} senders, ${BLOCKED.toLocaleString('en-US')} blocked, ${PARTITIONS} partitions (topics ${prefix}*)`,
  );

  const producer = aBenchProducer(kafka);
  await producer.connect();
  const entries = Array.from({ length: SENDERS }, (_, index) => index).filter(isBlocked);
  await produceAll(producer, topics.contactBlocklist, entries.length, (position) => {
    const address = senderAddress(entries[position]);
    const entry: BlocklistEntry = {
      tenantId: TENANT,
      contactId: `c_${entries[position]}`,
      channel: 'whatsapp',
      address,
      blockedAt: new Date().toISOString(),
      blockedBy: 'bench',
      contactVersion: 2,
    };
    return { key: identityKey(TENANT, 'whatsapp', address), value: JSON.stringify(entry) };
  });
  const sample = inboundRecord(1).value.length;
  const produceRate = await produceAll(producer, topics.messagesInbound, MESSAGES, (index) =>
    inboundRecord(index),
  );
  await produceAll(producer, passthroughInput, MESSAGES, (index) => inboundRecord(index));
  console.log(
    `  inputs: ${entries.length} blocklist entries; messages of ~${sample} bytes produced at ${formatRate(produceRate)} (kafkajs producer)`,
  );

  // The filter, as a real app process.
  const filterPort = 23_000 + (process.pid % 1000);
  const filterSpawnedAt = Date.now();
  buildFilter();
  const filter = startNode(BUILT_FILTER, {
    TOPIC_PREFIX: prefix,
    PORT: String(filterPort),
    INBOUND_PARTITIONS_CONCURRENTLY: String(PARTITIONS),
    LOG_LEVEL: 'warn',
  });
  const outputs = [topics.messagesAccepted, topics.messagesBlocked, deadLetterTopic(topics.messagesInbound)];
  const filterMeasure = await measureRun(kafka, outputs, MESSAGES, filter.pid!, filterSpawnedAt);
  const filterRun = { ratePerSecond: filterMeasure.sustainedRate, seconds: filterMeasure.drainSeconds };
  await waitReady(`http://127.0.0.1:${filterPort}`);
  const memory = memoryOf(filter.pid!);
  const latency = await latencyUnderLoad(
    kafka,
    topics.messagesInbound,
    [topics.messagesAccepted, topics.messagesBlocked],
    Math.min(20_000, filterRun.ratePerSecond / 2),
    Number(options['latency-seconds']),
  );
  await stopProcess(filter);
  const filterOutputs = await totalEndOffset(kafka, outputs);

  // The Kafka Streams peer: the same inputs (the bulk and the latency probe's messages), its own outputs.
  let peerMeasure: RunMeasure | undefined;
  let identical = '';
  if (peerClasspath) {
    const peerTopics = topicNames(`${prefix}peer.`);
    const peerOutputs = {
      accepted: peerTopics.messagesAccepted,
      blocked: peerTopics.messagesBlocked,
      deadLetters: deadLetterTopic(peerTopics.messagesInbound),
    };
    await ensureTopics(
      kafka,
      topicSpecs(peerTopics, PARTITIONS).filter((spec) => Object.values(peerOutputs).includes(spec.name)),
    );
    const peerSpawnedAt = Date.now();
    const peer = startStreamsPeer(peerClasspath, {
      applicationId: `${prefix}streams-peer`,
      brokers: brokers(),
      topics: { inbound: topics.messagesInbound, blocklist: topics.contactBlocklist, ...peerOutputs },
    });
    try {
      peerMeasure = await measureRun(
        kafka,
        Object.values(peerOutputs),
        MESSAGES,
        peer.child.pid!,
        peerSpawnedAt,
      );
      // The latency probe's messages too, so both runs saw the same inputs (the comparison counts any gap).
      await measureRun(
        kafka,
        Object.values(peerOutputs),
        filterOutputs,
        peer.child.pid!,
        peerSpawnedAt,
        60_000,
      ).catch((error: unknown) =>
        console.log(`  streams peer: ${(error as Error).message} (the project wrote ${filterOutputs})`),
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; see ${peer.log}`);
    } finally {
      await stopProcess(peer.child);
      rmSync(peer.stateDir, { recursive: true, force: true });
    }
    const projectSet = await outputMultiset(kafka, {
      accepted: topics.messagesAccepted,
      blocked: topics.messagesBlocked,
      deadLetters: deadLetterTopic(topics.messagesInbound),
    });
    const peerSet = await outputMultiset(kafka, peerOutputs);
    const difference = compareMultisets(projectSet, peerSet);
    const describe = (counts: Record<string, number>) =>
      `${(counts.accepted ?? 0).toLocaleString('en-US')} accepted, ${(counts.blocked ?? 0).toLocaleString('en-US')} blocked, ${(counts.deadLetters ?? 0).toLocaleString('en-US')} DLQ`;
    identical =
      difference.onlyProject === 0 && difference.onlyPeer === 0
        ? `outputs identical: yes (project and peer: ${describe(countsByRole(projectSet))})`
        : `outputs identical: no (${difference.onlyProject.toLocaleString('en-US')} only in the project's, ${difference.onlyPeer.toLocaleString('en-US')} only in the peer's: ${Object.entries(
            difference.byRole,
          )
            .map(([role, counts]) => `${role} ${counts.onlyProject}/${counts.onlyPeer}`)
            .join(
              ', ',
            )}; project ${describe(countsByRole(projectSet))}, peer ${describe(countsByRole(peerSet))})`;
  }

  // The bare passthrough, same client and settings, same input.
  const passthrough = startNode('bench/passthrough.ts', {
    INPUT_TOPIC: passthroughInput,
    OUTPUT_TOPIC: passthroughOutput,
    GROUP_ID: `${prefix}passthrough`,
    PARTITIONS_CONCURRENTLY: String(PARTITIONS),
  });
  const passthroughRun = await measureDrain(kafka, [passthroughOutput], 0, MESSAGES);
  await stopProcess(passthrough);

  // Kafka's own tools on the same broker: the ceiling of this machine.
  const producerPerfRate = producerPerformance(perfTopic, MESSAGES, sample);
  const consumerPerf = kafkaTool('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    brokers()[0],
    '--topic',
    perfTopic,
    '--messages',
    String(MESSAGES),
    '--timeout',
    '60000',
  ]);
  const consumerLine = consumerPerf
    .trim()
    .split('\n')
    .pop()!
    .split(',')
    .map((field) => field.trim());
  const consumerPerfRate = Number(consumerLine[5]);

  const accepted = await totalEndOffset(kafka, [topics.messagesAccepted]);
  const dropped = await totalEndOffset(kafka, [topics.messagesBlocked]);
  const deadLettered = await totalEndOffset(kafka, [deadLetterTopic(topics.messagesInbound)]);
  console.log('');
  console.log(
    `  message filter        ${formatRate(filterRun.ratePerSecond)} sustained (${filterRun.seconds.toFixed(1)} s for ${MESSAGES.toLocaleString('en-US')})`,
  );
  console.log(
    `  bare passthrough      ${formatRate(passthroughRun.ratePerSecond)} (kafkajs consume→produce, same settings)`,
  );
  console.log(
    `  filter / passthrough  ${(filterRun.ratePerSecond / passthroughRun.ratePerSecond).toFixed(2)}`,
  );
  console.log(
    `  kafka perf tools      producer ${formatRate(producerPerfRate)}, consumer ${formatRate(consumerPerfRate)}`,
  );
  console.log(
    `  latency under load    p50 ${latency.p50} ms, p99 ${latency.p99} ms (produce → output append, ${latency.received}/${latency.sent} msgs at ${formatRate(latency.sent / Number(options['latency-seconds']))})`,
  );
  console.log(
    `  filter memory         RSS ${memory.rssMiB.toFixed(0)} MiB, peak ${memory.peakMiB.toFixed(0)} MiB`,
  );
  console.log(
    `  routed                ${accepted.toLocaleString('en-US')} accepted, ${dropped.toLocaleString('en-US')} dropped as blocked, ${deadLettered.toLocaleString('en-US')} to the DLQ`,
  );
  if (peerMeasure) {
    printComparison(filterMeasure, peerMeasure);
    console.log(
      `  streams peer / passthrough ${(peerMeasure.sustainedRate / passthroughRun.ratePerSecond).toFixed(2)}, / producer perf tool ${(peerMeasure.sustainedRate / producerPerfRate).toFixed(2)} (sustained rates)`,
    );
    console.log(
      `  filter / producer perf tool ${(filterRun.ratePerSecond / producerPerfRate).toFixed(2)} (sustained rates)`,
    );
    console.log(`  ${identical}`);
  } else {
    console.log('  streams peer          skipped (--peer none)');
  }
  await producer.disconnect();
  await removeRun(kafka, prefix);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
