import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { BlockedMessage, TopicNames } from '@switchboard/contracts';
import {
  deadLetterRecord,
  KafkaProducer,
  ConsumerStallCheck,
  RecordConsumer,
  TOPICS,
  type ConsumedRecord,
  type OutboundRecord,
} from '@switchboard/kafka';
import { counter, ReadinessRegistry } from '@switchboard/observability';
import { BlocklistFollower } from '../blocklist/blocklist.follower';
import { ProgressReporter } from '../blocklist/progress.reporter';
import { MessageFilterSettings } from '../message-filter-settings';
import { routeMessage } from './route-message';

const routedMessages = counter({
  name: 'switchboard_filter_messages_total',
  help: 'Inbound messages routed, by route (accepted, blocked, invalid)',
  labelNames: ['route'] as const,
});

/**
 * Routes every `messages.inbound` record to exactly one of `messages.accepted`,
 * `messages.blocked` or `messages.inbound.dlq`, a batch at a time; the batch's offsets are
 * committed only after all its outputs are acknowledged. Starts only once the blocklist
 * is fully loaded, so no message passes on a partial blocklist.
 */
@Injectable()
export class InboundMessagesConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboundMessagesConsumer.name);
  private readonly consumer: RecordConsumer;
  private readonly groupId: string;

  constructor(
    kafka: Kafka,
    private readonly producer: KafkaProducer,
    settings: MessageFilterSettings,
    readiness: ReadinessRegistry,
    stallCheck: ConsumerStallCheck,
    @Inject(TOPICS) private readonly topics: TopicNames,
    private readonly blocklist: BlocklistFollower,
    private readonly progress: ProgressReporter,
  ) {
    this.groupId = `${settings.TOPIC_PREFIX}message-filter`;
    this.consumer = new RecordConsumer(kafka, producer, {
      groupId: this.groupId,
      topics: [topics.messagesInbound],
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.INBOUND_PARTITIONS_CONCURRENTLY,
      handleBatch: (records) => this.route(records),
      stallCheck,
    });
    readiness.register('inbound-consumer', () => this.consumer.isReady());
  }

  onApplicationBootstrap(): void {
    // Announce the loaded blocklist before passing any message, so the gateway counts this
    // instance when it confirms the next block.
    this.blocklist.loaded
      .then(() => this.progress.report())
      .then(() => this.consumer.start())
      .catch((error: unknown) => {
        this.logger.fatal({ err: error }, 'the inbound consumer could not start');
        process.exitCode = 1;
      });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  private async route(records: ConsumedRecord[]): Promise<void> {
    const outputs: OutboundRecord[] = [];
    const now = Date.now();
    const droppedAt = new Date(now).toISOString();
    let accepted = 0;
    let blocked = 0;
    let invalid = 0;
    for (const record of records) {
      const route = routeMessage(record.value, this.blocklist.state, now);
      const key = record.key?.toString() ?? '';
      switch (route.kind) {
        case 'accepted':
          accepted++;
          outputs.push({ topic: this.topics.messagesAccepted, key, value: record.value });
          break;
        case 'blocked': {
          blocked++;
          const value: BlockedMessage = { message: route.message, block: route.block, droppedAt };
          outputs.push({ topic: this.topics.messagesBlocked, key, value: JSON.stringify(value) });
          break;
        }
        case 'invalid':
          invalid++;
          outputs.push(deadLetterRecord(record, route.error, this.groupId));
          break;
      }
    }
    await this.producer.send(outputs);
    routedMessages.inc({ route: 'accepted' }, accepted);
    routedMessages.inc({ route: 'blocked' }, blocked);
    routedMessages.inc({ route: 'invalid' }, invalid);
  }
}
