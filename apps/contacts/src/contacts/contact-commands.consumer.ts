import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { parseCommand, parseJson, type TopicNames } from '@switchboard/contracts';
import { KafkaProducer, RecordConsumer, TOPICS } from '@switchboard/kafka';
import { ReadinessRegistry } from '@switchboard/observability';
import { ContactsSettings } from '../contacts-settings';
import { ContactCommandsService } from './contact-commands.service';

/** Reads `contacts.commands`: parses and validates each record, then hands it to the service. */
@Injectable()
export class ContactCommandsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: RecordConsumer;

  constructor(
    kafka: Kafka,
    producer: KafkaProducer,
    settings: ContactsSettings,
    readiness: ReadinessRegistry,
    @Inject(TOPICS) topics: TopicNames,
    private readonly commands: ContactCommandsService,
  ) {
    this.consumer = new RecordConsumer(kafka, producer, {
      groupId: `${settings.TOPIC_PREFIX}contacts-commands`,
      topics: [topics.contactCommands],
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.COMMAND_PARTITIONS_CONCURRENTLY,
      handleRecord: (record) => this.commands.handle(parseCommand(parseJson(record.value))),
    });
    readiness.register('commands-consumer', () => this.consumer.isReady());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
