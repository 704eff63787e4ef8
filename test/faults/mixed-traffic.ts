import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  deadLetterTopic,
  identityKey,
  topicNames,
  topicSpecs,
  type Identity,
  type TopicNames,
} from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  anInboundMessage,
  aWhatsappIdentity,
  expectEventually,
  mintToken,
  TopicProbe,
  deleteTopicsWithPrefix,
} from '@switchboard/testing';
import { http } from '../support/http';
import { aPort, spawnService, type ServiceProcess } from '../support/service-process';
import { postInbound } from '../support/webhook';

type App = 'gateway' | 'contacts' | 'message-filter';

/** What one fault scenario reports, as one line. */
export interface FaultReport {
  scenario: string;
  recordsIn: number;
  accountedFor: number;
  duplicates: number;
  lost: number;
  recoveryMs: number;
  /** For a store that wedged: from the wedge until the store answered again (its supervisor's restart). */
  storeRecoveryMs?: number;
}

export function printFaultReport(report: FaultReport): void {
  console.log(
    `fault: ${report.scenario} | records in ${report.recordsIn} | accounted for ${report.accountedFor} | ` +
      `duplicates ${report.duplicates} | lost ${report.lost} | recovery ${report.recoveryMs} ms` +
      (report.storeRecoveryMs === undefined ? '' : ` | store back after ${report.storeRecoveryMs} ms`),
  );
}

const STACK = resolve(__dirname, '../../stack/stack.sh');

/** Faults of the local stack's own processes (the broker, the store). */
export function stack(...args: string[]): void {
  if (process.env.INTEGRATION_INFRASTRUCTURE !== 'local-stack') {
    throw new Error(
      `this fault needs the local stack (npm run stack -- up), not ${process.env.INTEGRATION_INFRASTRUCTURE}`,
    );
  }
  runStack(args, process.env);
}

/**
 * The stack's commands for the store this run uses (`MONGODB_URI`): the local stack's FerretDB,
 * or a private one started by `stack/stack.sh ferretdb-up` on another port.
 */
export function storeStack(...args: string[]): void {
  const port = new URL(process.env.MONGODB_URI!).port || '27017';
  if (process.env.INTEGRATION_INFRASTRUCTURE !== 'local-stack' && port === '27017') {
    throw new Error(
      'this fault needs a FerretDB of the local stack (its own, or one from stack.sh ferretdb-up)',
    );
  }
  runStack(args, { ...process.env, FERRETDB_PORT: port });
}

/** Runs a stack command; what it says goes to the suite's console (artifacts/suites/), not between results. */
function runStack(args: string[], env: NodeJS.ProcessEnv): void {
  const run = spawnSync('bash', [STACK, ...args], { env, encoding: 'utf8' });
  console.log(`stack ${args.join(' ')}: ${run.stdout}${run.stderr}`.trim());
  if (run.status !== 0) {
    throw new Error(`stack ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  }
}

/** Resolves once the run's store answers a ping again. */
export async function untilStoreAnswers(): Promise<void> {
  await expectEventually(
    async () => {
      const client = await MongoClient.connect(process.env.MONGODB_URI!, {
        serverSelectionTimeoutMS: 1_000,
        socketTimeoutMS: 2_000,
      });
      try {
        await client.db('admin').command({ ping: 1 });
      } finally {
        await client.close(true);
      }
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
}

interface TrafficOptions {
  contacts: number;
  /** Commands per contact (block, tag, unblock, note, … in turn), sent one after another. */
  commandsPerContact: number;
  /** Inbound messages, spread over the contacts' identities and a few strangers. */
  messages: number;
  /** Send inbound messages through the gateway's webhook instead of straight to Kafka. */
  viaWebhook?: boolean;
}

/**
 * A whole system in separate OS processes (so a test can kill -9 any of them), with mixed
 * traffic: HTTP commands (retried with the same Idempotency-Key until answered, as a client
 * would) and inbound messages. It then accounts for every record from the output topics and
 * the store: each message in accepted, blocked or a DLQ; each command applied exactly once
 * (every command changes its contact, so a contact's version counts its applied commands).
 */
export class MixedTraffic {
  readonly prefix = `fault-${randomUUID().slice(0, 8)}.`;
  readonly database = `fault_${randomUUID().slice(0, 8)}`;
  readonly tenant = `fault-${randomUUID().slice(0, 6)}`;
  readonly topics: TopicNames = topicNames(this.prefix);
  private readonly secret = `whsec-${randomUUID()}`;
  private readonly token = mintToken({ tenant: this.tenant, sub: 'fault-agent', role: 'agent' });
  readonly processes = new Map<string, ServiceProcess>();
  private readonly ports = { gateway: aPort(), contacts: aPort() };
  private kafka!: Kafka;
  private producer!: Producer;
  private probe!: TopicProbe;
  private store!: MongoClient;
  private contacts: { contactId: string; identity: Identity }[] = [];
  private readonly sentMessages = new Set<string>();
  private commandsSent = 0;
  private generation = 0;

  async start(filters = 1): Promise<void> {
    this.kafka = createKafkaClient('fault-suite', process.env.KAFKA_BROKERS!.split(','));
    await ensureTopics(this.kafka, topicSpecs(this.topics, 6));
    this.producer = this.kafka.producer();
    await this.producer.connect();
    this.store = await MongoClient.connect(process.env.MONGODB_URI!);
    this.probe = await new TopicProbe(this.kafka, [
      this.topics.messagesAccepted,
      this.topics.messagesBlocked,
      deadLetterTopic(this.topics.messagesInbound),
    ]).start();
    await Promise.all([
      this.spawn('contacts'),
      this.spawn('gateway'),
      ...Array.from({ length: filters }, (_, index) => this.spawn('message-filter', `filter-${index + 1}`)),
    ]);
  }

  /** Starts (or restarts) an app; `name` tells several instances of one app apart. */
  async spawn(app: App, name: string = app): Promise<ServiceProcess> {
    const environment: Record<string, string> = {
      TOPIC_PREFIX: this.prefix,
      MONGODB_DB: this.database,
      CONTACTS_URL: `http://127.0.0.1:${this.ports.contacts}`,
      WEBHOOK_SECRETS: `${this.tenant}=${this.secret}`,
      COMMAND_TIMEOUT_MS: '2000',
      INBOUND_PARTITIONS_CONCURRENTLY: '6',
    };
    const port = app === 'message-filter' ? aPort() : this.ports[app];
    const service = spawnService(app, port, environment, `${this.prefix}${name}-${++this.generation}`);
    this.processes.set(name, service);
    await service.untilReady(120_000);
    return service;
  }

  async kill(name: string): Promise<void> {
    await this.processes.get(name)!.crash();
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  async seedContacts(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const identity = aWhatsappIdentity();
      const answer = await this.until(() =>
        http('POST', `${this.gatewayUrl}/v1/contacts`, {
          token: this.token,
          body: { identities: [identity] },
          headers: { 'idempotency-key': `seed-${index}` },
        }),
      );
      this.contacts.push({ contactId: (answer.body as { contactId: string }).contactId, identity });
    }
  }

  /**
   * Runs the traffic; `fault` is called once `faultAfter` of it has been sent and may take as
   * long as it likes (the traffic keeps going around it). Resolves when all was sent.
   */
  async run(
    options: TrafficOptions,
    fault: () => Promise<void>,
    faultAfter = 0.3,
  ): Promise<{ faultEndedAt: number }> {
    await this.seedContacts(options.contacts);
    const total = options.contacts * options.commandsPerContact + options.messages;
    let sent = 0;
    let faultEndedAt = 0;
    let faulted: Promise<void> | undefined;
    const progress = () => {
      sent++;
      if (!faulted && sent >= total * faultAfter) {
        faulted = fault().then(() => {
          faultEndedAt = Date.now();
        });
      }
    };
    const commands = this.contacts.map(async ({ contactId }) => {
      for (let step = 0; step < options.commandsPerContact; step++) {
        await this.command(contactId, step);
        progress();
      }
    });
    const messages = (async () => {
      for (let index = 0; index < options.messages; index++) {
        await this.message(index, options.viaWebhook ?? false);
        progress();
      }
    })();
    await Promise.all([...commands, messages]);
    await faulted;
    return { faultEndedAt };
  }

  /** Block, tag, unblock, note, … each changes the contact; retried until answered. */
  private async command(contactId: string, step: number): Promise<void> {
    const base = `${this.gatewayUrl}/v1/contacts/${contactId}`;
    const key = `${contactId}-${step}`;
    const requests = [
      () =>
        http('POST', `${base}/block`, {
          token: this.token,
          body: { reason: 'fault suite' },
          headers: { 'idempotency-key': key },
        }),
      () =>
        http('POST', `${base}/tags`, {
          token: this.token,
          body: { tags: [`step-${step}`] },
          headers: { 'idempotency-key': key },
        }),
      () =>
        http('POST', `${base}/unblock`, { token: this.token, body: {}, headers: { 'idempotency-key': key } }),
      () =>
        http('POST', `${base}/notes`, {
          token: this.token,
          body: { body: `note ${step}` },
          headers: { 'idempotency-key': key },
        }),
    ];
    await this.until(requests[step % requests.length]);
    this.commandsSent++;
  }

  private async message(index: number, viaWebhook: boolean): Promise<void> {
    // Most from known contacts (some of them blocked at the time), some from strangers.
    const from =
      index % 5 === 4
        ? aWhatsappIdentity().address
        : this.contacts[index % this.contacts.length].identity.address;
    const message = anInboundMessage({ tenantId: this.tenant, from });
    this.sentMessages.add(message.messageId);
    if (viaWebhook) {
      const { tenantId: _tenant, ...body } = message;
      await this.until(() => postInbound(this.gatewayUrl, this.tenant, this.secret, body));
      return;
    }
    await this.until(async () => {
      await this.producer.send({
        topic: this.topics.messagesInbound,
        messages: [{ key: identityKey(this.tenant, 'whatsapp', from), value: JSON.stringify(message) }],
      });
      return { status: 200 };
    });
  }

  /** Retries a call until it is answered 2xx (the gateway or broker may be down for a while). */
  private async until<T extends { status: number }>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await call();
        if (answer.status >= 200 && answer.status < 300) {
          return answer;
        }
        if (answer.status < 500 && answer.status !== 429) {
          throw new Error(
            `refused with ${answer.status}: ${JSON.stringify((answer as { body?: unknown }).body)}`,
          );
        }
      } catch (error) {
        if ((error as Error).message.startsWith('refused')) {
          throw error;
        }
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, Math.min(100 * 2 ** attempt, 1_000)));
    }
  }

  /**
   * Waits until every message and command is accounted for, then reports. Commands: each
   * contact's version must reach 1 + its commands; beyond that would be a command applied twice.
   * Recovery: from the end of the fault (the restart done) until everything is accounted for.
   */
  async account(scenario: string, options: TrafficOptions, faultEndedAt: number): Promise<FaultReport> {
    const expectedVersion = 1 + options.commandsPerContact;
    const contacts = this.store
      .db(this.database)
      .collection<{ contactId: string; version: number; tenantId: string }>('contacts');
    const copies = () => {
      const seen = new Map<string, number>();
      const outputs = [
        this.topics.messagesAccepted,
        this.topics.messagesBlocked,
        deadLetterTopic(this.topics.messagesInbound),
      ];
      for (const topic of outputs) {
        for (const value of this.probe.json<{ messageId?: string; message?: { messageId: string } }>(topic)) {
          const messageId = value.messageId ?? value.message?.messageId;
          if (messageId && this.sentMessages.has(messageId)) {
            seen.set(messageId, (seen.get(messageId) ?? 0) + 1);
          }
        }
      }
      return seen;
    };
    const versions = async () =>
      new Map(
        (await contacts.find({ tenantId: this.tenant }).toArray()).map((contact) => [
          contact.contactId,
          contact.version,
        ]),
      );
    await expectEventually(
      async () => {
        expect(copies().size).toBe(this.sentMessages.size);
        const current = await versions();
        expect(
          this.contacts.filter(({ contactId }) => (current.get(contactId) ?? 0) < expectedVersion),
        ).toEqual([]);
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );
    const recoveryMs = Date.now() - faultEndedAt;
    const seen = copies();
    const current = await versions();
    const appliedTwice = this.contacts.filter(
      ({ contactId }) => (current.get(contactId) ?? 0) > expectedVersion,
    ).length;
    const messageDuplicates = [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
    const recordsIn = this.sentMessages.size + this.commandsSent;
    const accountedFor =
      seen.size +
      this.contacts.filter(({ contactId }) => current.get(contactId) === expectedVersion).length *
        options.commandsPerContact;
    return {
      scenario,
      recordsIn,
      accountedFor,
      duplicates: messageDuplicates + appliedTwice,
      lost: recordsIn - accountedFor,
      recoveryMs,
    };
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.processes.values()].map((service) => service.stop()));
    await this.probe?.stop();
    await this.producer?.disconnect();
    await this.store?.db(this.database).dropDatabase();
    await this.store?.close();
    await deleteTopicsWithPrefix(this.kafka, this.prefix);
  }
}
