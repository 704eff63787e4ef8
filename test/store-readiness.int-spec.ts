import { expectEventually } from '@switchboard/testing';
import {
  privateFerretDbAvailable,
  startPrivateFerretDb,
  type PrivateFerretDb,
} from './support/private-ferretdb';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

/** What a load balancer's readiness probe waits (the checks' own deadline is 1 s). */
const PROBE_DEADLINE_MS = 3_000;

async function readiness(contacts: ServiceProcess): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${contacts.url}/health/ready`, {
    signal: AbortSignal.timeout(PROBE_DEADLINE_MS),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * The contacts service over a store that wedged (its own FerretDB, wedged on purpose):
 * `/health/ready` answers 503 with the store not ready, instead of hanging with the store, and
 * once the store is restarted (what the supervisor does) the service has its store back.
 */
(privateFerretDbAvailable() ? describe : describe.skip)('contacts readiness when the store wedges', () => {
  let store: PrivateFerretDb;
  let contacts: ServiceProcess | undefined;

  beforeAll(() => {
    store = startPrivateFerretDb(aPort());
  });

  afterAll(async () => {
    await contacts?.crash(); // its shutdown would wait on a wedged store
    store?.stop();
  });

  it('answers 503, the store not ready, while the store does not answer', async () => {
    contacts = spawnService('contacts', aPort(), {
      MONGODB_URI: store.uri,
      STORE_POOL_CONNECTIONS: String(store.pool),
      STORE_SHARING_PROCESSES: '1',
    });
    await contacts.untilReady();

    expect(await store.wedge()).toBe(true);

    await expectEventually(
      async () => {
        expect(await readiness(contacts!)).toMatchObject({
          status: 503,
          body: { status: 'unavailable', checks: { store: false } },
        });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  it('is ready again once the wedged store is restarted', async () => {
    store.restart();

    await expectEventually(
      async () => {
        expect(await readiness(contacts!)).toMatchObject({ status: 200, body: { checks: { store: true } } });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});
