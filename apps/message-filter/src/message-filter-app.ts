import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { KafkaBatchTransport } from '@switchboard/kafka';
import { MessageFilterModule } from './message-filter.module';

/** Builds the message filter: health and metrics over HTTP, the inbound consumer over Kafka. */
export async function createMessageFilterApp(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<INestApplication> {
  const app = await NestFactory.create(MessageFilterModule.register(environment), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(KafkaBatchTransport) });
  return app;
}
