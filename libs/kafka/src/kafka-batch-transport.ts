import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { Kafka } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { TopicNames } from '@switchboard/contracts';
import { ReadinessRegistry } from '@switchboard/observability';
import type { ConsumedRecord } from './consumed-record';
import {
  CONSUMER_GROUPS,
  type ConsumerGroupOptions,
  type ConsumerGroups,
  type KafkaEventExtras,
} from './consumer-groups';
import { ConsumerStallCheck } from './consumer-stall-check';
import { KafkaConsumerContext } from './kafka-consumer-context';
import { KEEPS_HANDLER_ERRORS } from './kafka-event-pattern';
import { KafkaProducer } from './kafka-producer';
import { KafkaTransportError } from './kafka-transport.errors';
import { TOPICS } from './kafka.module';
import { RecordConsumer, type BatchContext } from './record-consumer';

interface Registration {
  pattern: unknown;
  handler: MessageHandler;
  isEventHandler: boolean;
  extras: Partial<KafkaEventExtras> & Record<string, unknown>;
}

interface GroupPlan {
  name: string;
  options: ConsumerGroupOptions;
  batch: boolean;
  /** Handlers by topic name. */
  handlers: Map<string, MessageHandler>;
}

/**
 * A Nest microservice transport over the project's `RecordConsumer`: `@KafkaEventPattern`
 * handlers of the app's controllers, grouped by the consumer group they name, each group one
 * RecordConsumer with its batches, DLQ, explicit commits, bounded retries and heartbeats,
 * its progress counted in the service's readiness (`consumer-progress`).
 * Handlers are checked when the microservice starts: a wrong topic, group or handler kind
 * fails the start instead of leaving a topic unread.
 *
 * It is also a provider: it stops its consumers when the app's modules are destroyed, so they
 * finish the batch in hand and commit before anything they use (the store, the producer) closes.
 */
@Injectable()
export class KafkaBatchTransport extends Server implements CustomTransportStrategy, OnModuleDestroy {
  protected override readonly logger = new Logger(KafkaBatchTransport.name);
  private readonly registrations: Registration[] = [];
  private readonly consumers = new Map<string, RecordConsumer>();
  /** Starts under way, awaited before stopping so no consumer joins after the stop. */
  private readonly starts = new Set<Promise<void>>();
  private closing?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    readiness: ReadinessRegistry,
    @Inject(CONSUMER_GROUPS) private readonly groups: ConsumerGroups,
    private readonly stallCheck: ConsumerStallCheck,
  ) {
    super();
    for (const [name, group] of Object.entries(groups)) {
      readiness.register(
        group.readinessCheck,
        () => (this.consumers.get(name)?.isReady() ?? false) && (group.readyWhen?.() ?? true),
      );
    }
  }

  /** Called by Nest for every pattern of every controller; checked all together in `listen`. */
  override addHandler(
    pattern: unknown,
    handler: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    this.registrations.push({ pattern, handler, isEventHandler, extras });
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  close(): Promise<void> {
    this.closing ??= this.stopConsumers();
    return this.closing;
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** The kafkajs consumer of each group, by group name, for instrumentation. */
  unwrap<T>(): T {
    return new Map([...this.consumers].map(([name, consumer]) => [name, consumer.client])) as T;
  }

  on(): never {
    throw new Error('KafkaBatchTransport has no events of its own; unwrap() gives the kafkajs consumers');
  }

  private async start(): Promise<void> {
    const plans = this.plan();
    const immediate: Promise<void>[] = [];
    for (const plan of plans) {
      const {
        readinessCheck: _readiness,
        readyWhen: _readyWhen,
        startAfter,
        watchClient,
        ...consumerOptions
      } = plan.options;
      const consumer = new RecordConsumer(this.kafka, this.producer, {
        ...consumerOptions,
        topics: [...plan.handlers.keys()],
        stallCheck: this.stallCheck,
        ...(plan.batch
          ? { handleBatch: (records, batch) => this.invokeBatch(plan, records, batch) }
          : { handleRecord: (record) => this.invokeRecord(plan, record) }),
      });
      watchClient?.(consumer.client);
      this.consumers.set(plan.name, consumer);
      if (startAfter) {
        void this.startWhenAllowed(plan.name, consumer, startAfter);
      } else {
        immediate.push(this.track(consumer.start()));
      }
    }
    await Promise.all(immediate);
  }

  private async startWhenAllowed(
    name: string,
    consumer: RecordConsumer,
    startAfter: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await startAfter();
      if (this.closing) {
        return;
      }
      await this.track(consumer.start());
    } catch (error) {
      this.logger.fatal({ err: error, group: name }, 'the consumer group could not start');
      process.exitCode = 1;
    }
  }

  private track(start: Promise<void>): Promise<void> {
    this.starts.add(start);
    const untrack = () => this.starts.delete(start);
    start.then(untrack, untrack);
    return start;
  }

  private async stopConsumers(): Promise<void> {
    await Promise.allSettled([...this.starts]);
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.stop()));
  }

  private invokeRecord(plan: GroupPlan, record: ConsumedRecord): Promise<void> {
    const context = new KafkaConsumerContext([
      plan.options.groupId,
      record.topic,
      record.partition,
      undefined,
    ]);
    return this.invoke(this.handlerOf(plan, record.topic), record, context);
  }

  private invokeBatch(plan: GroupPlan, records: ConsumedRecord[], batch: BatchContext): Promise<void> {
    const { topic, partition } = records[0];
    const context = new KafkaConsumerContext([plan.options.groupId, topic, partition, batch]);
    return this.invoke(this.handlerOf(plan, topic), records, context);
  }

  private async invoke(handler: MessageHandler, data: unknown, context: KafkaConsumerContext): Promise<void> {
    // Nest's handler wrapper returns a failed handler's error as an erroring observable
    const result: unknown = await handler(data, context);
    if (isObservable(result)) {
      await lastValueFrom(result, { defaultValue: undefined });
    }
  }

  private handlerOf(plan: GroupPlan, topic: string): MessageHandler {
    const handler = plan.handlers.get(topic);
    if (!handler) {
      // the group subscribes only to its handlers' topics: a record from elsewhere is a bug
      throw new KafkaTransportError(
        'kafka-transport-no-handler',
        `group ${plan.name} has no handler for topic ${topic}`,
      );
    }
    return handler;
  }

  /** Checks the registered handlers against the declared groups and groups them. */
  private plan(): GroupPlan[] {
    const plans = new Map<string, GroupPlan>();
    for (const { pattern, handler, isEventHandler, extras } of this.registrations) {
      const where = `handler of ${JSON.stringify(pattern)}`;
      if (!isEventHandler) {
        throw new KafkaTransportError(
          'kafka-transport-request-reply',
          `${where}: the Kafka transport serves events only (@KafkaEventPattern), not @MessagePattern`,
        );
      }
      if (extras[KEEPS_HANDLER_ERRORS] !== true) {
        throw new KafkaTransportError(
          'kafka-transport-unmasked-errors-required',
          `${where}: declare it with @KafkaEventPattern, so its errors reach the transport unmasked`,
        );
      }
      if (typeof pattern !== 'string' || !Object.hasOwn(this.topics, pattern)) {
        throw new KafkaTransportError(
          'kafka-transport-unknown-topic',
          `${where}: the pattern is not a topic role (one of ${Object.keys(this.topics).join(', ')})`,
        );
      }
      const name = extras.group;
      const options = name === undefined ? undefined : this.groups[name];
      if (name === undefined || !options) {
        throw new KafkaTransportError(
          'kafka-transport-undeclared-group',
          `${where}: consumer group ${String(name)} is not declared in the service's consumer groups`,
        );
      }
      const batch = extras.batch === true;
      const plan = plans.get(name) ?? { name, options, batch, handlers: new Map<string, MessageHandler>() };
      plans.set(name, plan);
      if (plan.batch !== batch) {
        throw new KafkaTransportError(
          'kafka-transport-mixed-handler-kinds',
          `${where}: group ${name} mixes batch and record handlers; a group is one or the other`,
        );
      }
      const topic = this.topics[pattern as keyof TopicNames];
      if (plan.handlers.has(topic)) {
        throw new KafkaTransportError(
          'kafka-transport-duplicate-handler',
          `${where}: group ${name} already has a handler for it`,
        );
      }
      plan.handlers.set(topic, handler);
      this.messageHandlers.set(`${name}:${pattern}`, handler);
    }
    for (const name of Object.keys(this.groups)) {
      if (!plans.has(name)) {
        throw new KafkaTransportError(
          'kafka-transport-group-without-handlers',
          `consumer group ${name} is declared but no @KafkaEventPattern handler names it`,
        );
      }
    }
    return [...plans.values()];
  }
}
