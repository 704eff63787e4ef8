import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ContactsAppModule } from './contacts-app.module';

export function createContactsApp(environment: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  return NestFactory.create(ContactsAppModule.register(environment), {
    bufferLogs: true,
    abortOnError: false,
  });
}
