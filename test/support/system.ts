import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { createKafkaClient } from '@switchboard/kafka';
import { topicNames, type TopicNames } from '@switchboard/contracts';
import { startApp } from '@switchboard/observability';
import { expectEventually, TEST_CHANNEL_CREDENTIALS_KEY, TEST_JWT_SECRET } from '@switchboard/testing';
import type { Kafka } from 'kafkajs';
import { createContactsApp } from '../../apps/contacts/src/contacts-app';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app';
import { createMessageFilterApp } from '../../apps/message-filter/src/message-filter-app';

export interface RunningService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

export interface System {
  gateway: RunningService;
  contacts: RunningService;
  filter?: RunningService;
  topics: TopicNames;
  kafka: Kafka;
  stop(): Promise<void>;
}

/** The environment every in-process service of a test run gets. */
export function testEnvironment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    CHANNEL_CREDENTIALS_KEY: TEST_CHANNEL_CREDENTIALS_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    COMMAND_TIMEOUT_MS: '10000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...overrides,
  };
}

async function listen(app: INestApplication, port = 0): Promise<RunningService> {
  app.useLogger(app.get(Logger));
  await startApp(app, () => app.listen(port, '127.0.0.1'));
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  let closing: Promise<void> | undefined;
  return { app, url, close: () => (closing ??= app.close()) };
}

/** Waits until a service says it is ready (its consumers joined, its state loaded). */
export async function untilReady(service: RunningService, timeoutMs = 60_000): Promise<void> {
  await expectEventually(
    async () => {
      const response = await fetch(`${service.url}/health/ready`);
      if (!response.ok) {
        throw new Error(`${service.url} not ready: ${await response.text()}`);
      }
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export async function startContacts(
  overrides: Record<string, string> = {},
  port = 0,
): Promise<RunningService> {
  return listen(await createContactsApp(testEnvironment(overrides)), port);
}

/**
 * Stops the system's contacts service and starts a new one on the same port (the gateway keeps
 * its address), ready: it loads its state from the store again, as after a deploy.
 */
export async function restartContacts(system: System, overrides: Record<string, string> = {}): Promise<void> {
  const { port } = new URL(system.contacts.url);
  await system.contacts.close();
  system.contacts = await startContacts(overrides, Number(port));
  await untilReady(system.contacts);
}

export async function startGateway(
  contactsUrl: string,
  overrides: Record<string, string> = {},
): Promise<RunningService> {
  return listen(await createGatewayApp(testEnvironment({ CONTACTS_URL: contactsUrl, ...overrides })));
}

export async function startMessageFilter(overrides: Record<string, string> = {}): Promise<RunningService> {
  return listen(await createMessageFilterApp(testEnvironment(overrides)));
}

/** Starts contacts, gateway and (optionally) the message filter in this process, ready. */
export async function startSystem({
  withFilter = false,
  gatewayEnvironment = {},
  contactsEnvironment = {},
}: {
  withFilter?: boolean;
  gatewayEnvironment?: Record<string, string>;
  contactsEnvironment?: Record<string, string>;
} = {}): Promise<System> {
  const contacts = await startContacts(contactsEnvironment);
  const gateway = await startGateway(contacts.url, gatewayEnvironment);
  const filter = withFilter ? await startMessageFilter() : undefined;
  await Promise.all([untilReady(contacts), untilReady(gateway), ...(filter ? [untilReady(filter)] : [])]);
  const system: System = {
    gateway,
    contacts,
    filter,
    topics: topicNames(process.env.TOPIC_PREFIX),
    kafka: createKafkaClient('switchboard-test', process.env.KAFKA_BROKERS!.split(',')),
    stop: async () => {
      await Promise.all([gateway.close(), filter?.close()]);
      await system.contacts.close();
    },
  };
  return system;
}
