import { Module, type DynamicModule } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { topicNames, type TopicNames } from '@switchboard/contracts';
import { ServiceSettings } from '@switchboard/config';
import { ReadinessRegistry } from '@switchboard/observability';
import { ConsumerStallCheck } from './consumer-stall-check';
import { createKafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';

/** Injection token of the deployment's topic names. */
export const TOPICS = Symbol('TOPICS');
export type { TopicNames };

/**
 * The service's Kafka client, its producer, its topic names and the readiness check of its
 * consumers' progress (needs the ObservabilityModule).
 */
@Module({})
export class KafkaModule {
  static forService(clientId: string): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        {
          provide: Kafka,
          inject: [ServiceSettings],
          useFactory: (settings: ServiceSettings) => createKafkaClient(clientId, settings.KAFKA_BROKERS),
        },
        {
          provide: TOPICS,
          inject: [ServiceSettings],
          useFactory: (settings: ServiceSettings) => topicNames(settings.TOPIC_PREFIX),
        },
        { provide: KafkaProducer, inject: [Kafka], useFactory: (kafka: Kafka) => new KafkaProducer(kafka) },
        {
          provide: ConsumerStallCheck,
          inject: [ServiceSettings, ReadinessRegistry],
          useFactory: (settings: ServiceSettings, readiness: ReadinessRegistry) =>
            new ConsumerStallCheck(settings, readiness),
        },
      ],
      exports: [Kafka, TOPICS, KafkaProducer, ConsumerStallCheck],
    };
  }
}
