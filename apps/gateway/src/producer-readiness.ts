import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaProducer } from '@switchboard/kafka';
import { ReadinessRegistry } from '@switchboard/observability';

/** Connects the producer at start-up and reports it in readiness. */
@Injectable()
export class ProducerReadiness implements OnApplicationBootstrap {
  constructor(
    private readonly producer: KafkaProducer,
    readiness: ReadinessRegistry,
  ) {
    readiness.register('kafka-producer', () => producer.isConnected());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
  }
}
