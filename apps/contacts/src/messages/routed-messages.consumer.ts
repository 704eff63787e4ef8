import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import {
  BlockedMessage,
  parseInboundMessage,
  parseJson,
  validateContract,
  type TopicNames,
} from '@switchboard/contracts';
import {
  ConsumerStallCheck,
  KafkaProducer,
  RecordConsumer,
  TOPICS,
  type ConsumedRecord,
} from '@switchboard/kafka';
import { ReadinessRegistry } from '@switchboard/observability';
import { ContactsSettings } from '../contacts-settings';
import { MessageIngestService } from './message-ingest.service';

/** Reads `messages.accepted` and `messages.blocked` and records each message on its contact. */
@Injectable()
export class RoutedMessagesConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: RecordConsumer;

  constructor(
    kafka: Kafka,
    producer: KafkaProducer,
    settings: ContactsSettings,
    readiness: ReadinessRegistry,
    stallCheck: ConsumerStallCheck,
    @Inject(TOPICS) private readonly topics: TopicNames,
    private readonly ingest: MessageIngestService,
  ) {
    this.consumer = new RecordConsumer(kafka, producer, {
      groupId: `${settings.TOPIC_PREFIX}contacts-messages`,
      topics: [topics.messagesAccepted, topics.messagesBlocked],
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.MESSAGE_PARTITIONS_CONCURRENTLY,
      handleRecord: (record) => this.handle(record),
      stallCheck,
    });
    readiness.register('messages-consumer', () => this.consumer.isReady());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  private handle(record: ConsumedRecord): Promise<void> {
    if (record.topic === this.topics.messagesAccepted) {
      return this.ingest.record(parseInboundMessage(record.value), 'accepted');
    }
    return this.ingest.record(validateContract(BlockedMessage, parseJson(record.value)).message, 'blocked');
  }
}
