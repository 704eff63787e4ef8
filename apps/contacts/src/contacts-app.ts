import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { KafkaBatchTransport } from '@switchboard/kafka';
import { ContactsAppModule } from './contacts-app.module';

/** Builds the contacts service: its HTTP API and its Kafka consumers (started with the app). */
export async function createContactsApp(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<INestApplication> {
  const app = await NestFactory.create(ContactsAppModule.register(environment), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(KafkaBatchTransport) });
  return app;
}
