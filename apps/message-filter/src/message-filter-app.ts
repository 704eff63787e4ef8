import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageFilterModule } from './message-filter.module';

export function createMessageFilterApp(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<INestApplication> {
  return NestFactory.create(MessageFilterModule.register(environment), {
    bufferLogs: true,
    abortOnError: false,
  });
}
