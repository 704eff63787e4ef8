/**
 * What `bench:filter` needs to run the Kafka Streams peer (bench/streams-peer/) beside the
 * project's filter: its build (cached outside the clone), its process, and the measures both get
 * alike (rate, CPU seconds, peak RSS, start-up to first output) and the comparison of their outputs.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { memoryOf, root } from './bench-support';

const PEER_SOURCES = resolve(root, 'bench/streams-peer');
const PEER_CACHE = resolve(
  process.env.SWITCHBOARD_CACHE ?? join(homedir(), '.cache/switchboard'),
  'streams-peer',
);
const PEER_TARGET = join(PEER_CACHE, 'target');
const PEER_MAIN_CLASS = 'dev.switchboard.bench.peer.StreamsPeer';

/**
 * The peer's stream threads and its heap ceiling (`-Xmx`; the initial heap is the JVM's default,
 * so its RSS is what it grows to): one JVM, given the machine's cores like the filter's one process.
 */
export const PEER_THREADS = Number(process.env.BENCH_PEER_THREADS ?? 2);
export const PEER_HEAP = process.env.BENCH_PEER_HEAP ?? '512m';

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      return entry.isDirectory() ? sourceFiles(path) : [path];
    })
    .sort();
}

/**
 * Builds the peer with Maven into ~/.cache/switchboard/streams-peer/target unless a build of the
 * same sources (pom.xml and src/, by content) is there already. Returns its class path.
 */
export function buildStreamsPeer(): string {
  const hash = createHash('sha256');
  for (const file of [join(PEER_SOURCES, 'pom.xml'), ...sourceFiles(join(PEER_SOURCES, 'src'))]) {
    hash.update(relative(PEER_SOURCES, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const digest = hash.digest('hex');
  const stamp = join(PEER_CACHE, 'sources.sha256');
  const jar = join(PEER_TARGET, 'streams-peer.jar');
  const built = existsSync(stamp) && existsSync(jar) && readFileSync(stamp, 'utf8').trim() === digest;
  if (!built) {
    console.log(`  building the Kafka Streams peer with Maven into ${PEER_TARGET} (sources changed)`);
    mkdirSync(PEER_CACHE, { recursive: true });
    try {
      execFileSync(
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          join(PEER_SOURCES, 'pom.xml'),
          `-Dpeer.build.dir=${PEER_TARGET}`,
          'clean',
          'package',
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
    } catch (error) {
      throw new Error(
        `building the Streams peer failed (${(error as Error).message}); run with --peer none to skip it`,
      );
    }
    writeFileSync(stamp, `${digest}\n`);
  }
  return `${jar}:${join(PEER_TARGET, 'lib', '*')}`;
}

export interface PeerTopics {
  inbound: string;
  blocklist: string;
  accepted: string;
  blocked: string;
  deadLetters: string;
}

/** Starts the peer's JVM (the child is the JVM itself, so /proc/<pid> measures it); log in artifacts/. */
export function startStreamsPeer(
  classpath: string,
  { applicationId, topics, brokers }: { applicationId: string; topics: PeerTopics; brokers: string[] },
): { child: ChildProcess; log: string; stateDir: string } {
  const log = resolve(root, 'artifacts', `${applicationId}.log`);
  mkdirSync(resolve(root, 'artifacts'), { recursive: true });
  const stateDir = join(PEER_CACHE, 'state', applicationId);
  const child = spawn(
    'java',
    [
      `-Xmx${PEER_HEAP}`,
      '-XX:+UseG1GC',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      '-cp',
      classpath,
      PEER_MAIN_CLASS,
    ],
    {
      env: {
        ...process.env,
        PEER_BOOTSTRAP: brokers.join(','),
        PEER_APPLICATION_ID: applicationId,
        PEER_INBOUND_TOPIC: topics.inbound,
        PEER_BLOCKLIST_TOPIC: topics.blocklist,
        PEER_ACCEPTED_TOPIC: topics.accepted,
        PEER_BLOCKED_TOPIC: topics.blocked,
        PEER_DLQ_TOPIC: topics.deadLetters,
        PEER_THREADS: String(PEER_THREADS),
        PEER_STATE_DIR: stateDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stream = createWriteStream(log, { flags: 'a' });
  child.stdout?.pipe(stream);
  child.stderr?.pipe(stream);
  return { child, log, stateDir };
}

let clockTicks: number | undefined;

/** User plus system CPU seconds a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export interface RunMeasure {
  /** From the process's spawn to the first record on its outputs. */
  startupSeconds: number;
  /** `expected` over the time from the first output record to the last, as measureDrain has it. */
  sustainedRate: number;
  /** Between 10 % and 90 % of the outputs: warm-up and the tail left out. */
  steadyRate: number;
  drainSeconds: number;
  /** CPU seconds from spawn until the last output record (start-up included). */
  cpuSeconds: number;
  /** CPU seconds between the first and the last output record. */
  drainCpuSeconds: number;
  peakRssMiB: number;
}

/**
 * Polls the end offsets of `outputTopics` until they hold `expected` records, sampling the
 * process's CPU time and peak RSS on the way.
 */
export async function measureRun(
  kafka: Kafka,
  outputTopics: string[],
  expected: number,
  pid: number,
  spawnedAt: number,
  timeoutMs = 900_000,
): Promise<RunMeasure> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let first: { at: number; cpu: number } | undefined;
    let tenth: number | undefined;
    let ninetieth: number | undefined;
    let peak = 0;
    for (;;) {
      let total = 0;
      try {
        for (const topic of outputTopics) {
          for (const { high } of await admin.fetchTopicOffsets(topic)) {
            total += Number(high);
          }
        }
      } catch (error) {
        // New topics: their leaders may not be known yet ("not the leader for that topic-partition").
        if (Date.now() > deadline) {
          throw error;
        }
        await new Promise((resolveWait) => setTimeout(resolveWait, 200));
        continue;
      }
      const now = Date.now();
      const cpu = cpuSecondsOf(pid);
      peak = Math.max(peak, memoryOf(pid).peakMiB);
      if (total > 0 && first === undefined) {
        first = { at: now, cpu };
      }
      if (total >= expected * 0.1 && tenth === undefined) {
        tenth = now;
      }
      if (total >= expected * 0.9 && ninetieth === undefined) {
        ninetieth = now;
      }
      if (total >= expected) {
        const start = first ?? { at: now, cpu };
        const drainSeconds = Math.max((now - start.at) / 1000, 0.001);
        const steadySeconds = Math.max(((ninetieth ?? now) - (tenth ?? start.at)) / 1000, 0.001);
        return {
          startupSeconds: (start.at - spawnedAt) / 1000,
          sustainedRate: expected / drainSeconds,
          steadyRate: (expected * 0.8) / steadySeconds,
          drainSeconds,
          cpuSeconds: cpu,
          drainCpuSeconds: cpu - start.cpu,
          peakRssMiB: peak,
        };
      }
      if (now > deadline) {
        throw new Error(`only ${total} of ${expected} records arrived in ${timeoutMs} ms`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** How one run's outputs are compared: its topics by role. */
export interface OutputTopics {
  accepted: string;
  blocked: string;
  deadLetters: string;
}

/** The message id a record is about, or a digest of its value when it has none to read. */
function messageIdOf(role: keyof OutputTopics, value: Buffer | null): string {
  if (value === null) {
    return 'no value';
  }
  try {
    const parsed = JSON.parse(value.toString()) as { messageId?: unknown; message?: { messageId?: unknown } };
    const id = role === 'blocked' ? parsed.message?.messageId : parsed.messageId;
    if (typeof id === 'string') {
      return id;
    }
  } catch {
    // not JSON: a dead letter
  }
  return `sha1:${createHash('sha1').update(value).digest('hex')}`;
}

/** The multiset of (output topic, key, messageId) of one run's outputs, as counts. */
export async function outputMultiset(kafka: Kafka, topics: OutputTopics): Promise<Map<string, number>> {
  const roles = Object.keys(topics) as (keyof OutputTopics)[];
  const roleOf = new Map(roles.map((role) => [topics[role], role]));
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  try {
    for (const topic of Object.values(topics)) {
      for (const { high } of await admin.fetchTopicOffsets(topic)) {
        expected += Number(high);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const counts = new Map<string, number>();
  let seen = 0;
  const consumer = kafka.consumer({ groupId: `bench-compare-${randomUUID()}`, maxBytes: 64 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
  const done = new Promise<void>((resolveDone) => {
    void consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        const role = roleOf.get(batch.topic)!;
        for (const message of batch.messages) {
          const entry = `${role}\u0000${message.key?.toString() ?? ''}\u0000${messageIdOf(role, message.value)}`;
          counts.set(entry, (counts.get(entry) ?? 0) + 1);
        }
        seen += batch.messages.length;
        if (seen >= expected) {
          resolveDone();
        }
        await Promise.resolve();
      },
    });
    if (expected === 0) {
      resolveDone();
    }
  });
  await Promise.race([
    done,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`read only ${seen} of ${expected} output records`)), 300_000).unref(),
    ),
  ]);
  await consumer.disconnect();
  return counts;
}

/** Records in one multiset and not in the other (counting repeats), by role. */
export function compareMultisets(
  project: Map<string, number>,
  peer: Map<string, number>,
): {
  onlyProject: number;
  onlyPeer: number;
  byRole: Record<string, { onlyProject: number; onlyPeer: number }>;
} {
  const byRole: Record<string, { onlyProject: number; onlyPeer: number }> = {};
  let onlyProject = 0;
  let onlyPeer = 0;
  const tally = (entry: string, difference: number) => {
    const role = entry.slice(0, entry.indexOf('\u0000'));
    byRole[role] ??= { onlyProject: 0, onlyPeer: 0 };
    if (difference > 0) {
      byRole[role].onlyProject += difference;
      onlyProject += difference;
    } else {
      byRole[role].onlyPeer -= difference;
      onlyPeer -= difference;
    }
  };
  for (const [entry, count] of project) {
    const difference = count - (peer.get(entry) ?? 0);
    if (difference !== 0) {
      tally(entry, difference);
    }
  }
  for (const [entry, count] of peer) {
    if (!project.has(entry)) {
      tally(entry, -count);
    }
  }
  return { onlyProject, onlyPeer, byRole };
}

/** Sum of the counts of a multiset, by role. */
export function countsByRole(counts: Map<string, number>): Record<string, number> {
  const byRole: Record<string, number> = {};
  for (const [entry, count] of counts) {
    const role = entry.slice(0, entry.indexOf('\u0000'));
    byRole[role] = (byRole[role] ?? 0) + count;
  }
  return byRole;
}
