import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expectEventually } from '@switchboard/testing';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

const NODE_MAJOR = 'v24.';

/** The start-up line a service logs once it listens: its port and the Node it runs on. */
function listeningLine(logName: string): { node?: string } | undefined {
  const log = readFileSync(resolve(__dirname, '..', 'artifacts', `${logName}.log`), 'utf8');
  return log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; node?: string })
    .find((entry) => entry.msg === 'listening');
}

/** Node 20 is end-of-life: the tests, and every service the project runs, are on Node 24. */
describe('the runtime', () => {
  const services: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
  });

  it('runs the tests on Node 24', () => {
    expect(process.version.startsWith(NODE_MAJOR)).toBe(true);
  });

  it.each(['contacts', 'gateway', 'message-filter'] as const)(
    'starts the %s service on Node 24 and says so in its start-up log',
    async (app) => {
      const logName = `${process.env.TOPIC_PREFIX}runtime-${app}`;
      const service = spawnService(app, aPort(), { TOPIC_PREFIX: process.env.TOPIC_PREFIX! }, logName);
      services.push(service);
      await expectEventually(() => expect(listeningLine(logName)).toBeDefined(), {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      expect(listeningLine(logName)?.node).toMatch(/^v24\./);
    },
  );
});
