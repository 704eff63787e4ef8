import { expectEventually } from '@switchboard/testing';
import {
  privateFerretDbAvailable,
  startPrivateFerretDb,
  type PrivateFerretDb,
} from './support/private-ferretdb';
import { aPort, spawnService, type ServiceProcess } from './support/service-process';

/** What a load balancer's readiness probe waits (the checks' own deadline is 1 s). */
const PROBE_DEADLINE_MS = 3_000;

/**
 * The contacts service over a store that wedged (its own FerretDB, wedged on purpose):
 * `/health/ready` answers 503 with the store not ready, instead of hanging with the store.
 */
(privateFerretDbAvailable() ? describe : describe.skip)('contacts readiness when the store wedges', () => {
  let store: PrivateFerretDb;
  let contacts: ServiceProcess | undefined;

  beforeAll(() => {
    store = startPrivateFerretDb(aPort());
  });

  afterAll(async () => {
    await contacts?.crash(); // its shutdown would wait on the wedged store
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
        const response = await fetch(`${contacts!.url}/health/ready`, {
          signal: AbortSignal.timeout(PROBE_DEADLINE_MS),
        });
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { store: false } });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});
