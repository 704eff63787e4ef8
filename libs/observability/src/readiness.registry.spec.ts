import { ReadinessRegistry } from './readiness.registry';

const never = () => new Promise<boolean>(() => undefined);

describe('ReadinessRegistry', () => {
  it('reports each check, sync or async, and a failing one as not ready', async () => {
    const readiness = new ReadinessRegistry();
    readiness.register('sync', () => true);
    readiness.register('async', () => Promise.resolve(true));
    readiness.register('down', () => Promise.resolve(false));
    readiness.register('throws', () => {
      throw new Error('no connection');
    });
    readiness.register('rejects', () => Promise.reject(new Error('refused')));
    await expect(readiness.evaluate()).resolves.toEqual({
      sync: true,
      async: true,
      down: false,
      throws: false,
      rejects: false,
    });
  });

  it('answers, with the check that hangs as not ready, when a check never answers', async () => {
    const readiness = new ReadinessRegistry(20);
    readiness.register('kafka', () => true);
    readiness.register('store', never);
    await expect(readiness.evaluate()).resolves.toEqual({ kafka: true, store: false });
  });

  it('does not start a check again while an earlier call of it still runs', async () => {
    const readiness = new ReadinessRegistry(20);
    let calls = 0;
    readiness.register('store', () => {
      calls++;
      return never();
    });
    await readiness.evaluate();
    await readiness.evaluate();
    expect(calls).toBe(1);
  });

  it('starts the check again once its earlier call has answered', async () => {
    const readiness = new ReadinessRegistry();
    let calls = 0;
    readiness.register('store', () => ++calls > 0);
    await readiness.evaluate();
    await readiness.evaluate();
    expect(calls).toBe(2);
  });
});
