import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Kafka } from 'kafkajs';
import {
  isCommandOutcome,
  parseContactEvent,
  parseJson,
  type ContactEvent,
  type TopicNames,
} from '@switchboard/contracts';
import { ConsumerStallCheck, KafkaProducer, RecordConsumer, TOPICS } from '@switchboard/kafka';
import { counter, ReadinessRegistry } from '@switchboard/observability';
import { GatewaySettings } from '../gateway-settings';

const unreadableEvents = counter({
  name: 'switchboard_gateway_unreadable_events_total',
  help: 'contacts.events records the gateway could not parse (left in the topic, not acted on)',
});

/**
 * Follows `contacts.events` to hand command outcomes to the requests waiting for them.
 * Every gateway instance reads every partition with a private group that never commits:
 * it only cares about events from now on.
 */
@Injectable()
export class ContactEventsListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ContactEventsListener.name);
  private readonly consumer: RecordConsumer;
  /** Requests waiting per command id (a client may retry while its first call still waits). */
  private readonly waiters = new Map<string, Set<(event: ContactEvent) => void>>();
  private positioned = false;

  constructor(
    kafka: Kafka,
    producer: KafkaProducer,
    settings: GatewaySettings,
    readiness: ReadinessRegistry,
    stallCheck: ConsumerStallCheck,
    @Inject(TOPICS) topics: TopicNames,
  ) {
    this.consumer = new RecordConsumer(kafka, producer, {
      groupId: `${settings.TOPIC_PREFIX}gateway-outcomes-${hostname()}-${randomUUID()}`,
      topics: [topics.contactEvents],
      fromBeginning: false,
      commit: false,
      handleBatch: (records) => {
        for (const record of records) {
          this.deliver(record.value);
        }
      },
      stallCheck,
    });
    const { GROUP_JOIN, FETCH } = this.consumer.client.events;
    this.consumer.client.on(GROUP_JOIN, () => (this.positioned = false));
    // After the first fetch following a join, the consumer has fixed its start offsets:
    // anything published from then on reaches us.
    this.consumer.client.on(FETCH, () => (this.positioned = true));
    readiness.register('outcome-listener', () => this.consumer.isReady() && this.positioned);
  }

  /** Resolves with the command's outcome event, or undefined after `timeoutMs`. */
  waitFor(
    commandId: string,
    timeoutMs: number,
  ): { outcome: Promise<ContactEvent | undefined>; cancel: () => void } {
    let settle!: (event: ContactEvent | undefined) => void;
    const outcome = new Promise<ContactEvent | undefined>((resolve) => (settle = resolve));
    const waiters = this.waiters.get(commandId) ?? new Set<(event: ContactEvent) => void>();
    this.waiters.set(commandId, waiters);
    const remove = () => {
      clearTimeout(timer);
      waiters.delete(deliver);
      if (waiters.size === 0 && this.waiters.get(commandId) === waiters) {
        this.waiters.delete(commandId);
      }
    };
    const deliver = (event: ContactEvent) => {
      remove();
      settle(event);
    };
    const timer = setTimeout(() => {
      remove();
      settle(undefined);
    }, timeoutMs);
    waiters.add(deliver);
    return { outcome, cancel: remove };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  private deliver(value: Buffer | null): void {
    if (this.waiters.size === 0) {
      return;
    }
    try {
      const plain = parseJson(value) as { commandId?: unknown; type?: unknown } | null;
      const waiting = typeof plain?.commandId === 'string' ? this.waiters.get(plain.commandId) : undefined;
      if (!waiting) {
        return; // another instance's, or nobody's: no need to validate it here
      }
      if (!isCommandOutcome({ type: String(plain!.type) })) {
        return; // a mention published along with the command's outcome, not the outcome
      }
      const event = parseContactEvent(plain);
      for (const deliver of [...waiting]) {
        deliver(event);
      }
    } catch (error) {
      unreadableEvents.inc();
      this.logger.warn({ reason: (error as Error).message }, 'skipping an unreadable contacts.events record');
    }
  }
}
