import { KeyedLock } from './keyed-lock';

/** A section that records when it starts and ends. */
function recorder(events: string[]) {
  return (name: string, ms: number) => async () => {
    events.push(`${name} start`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    events.push(`${name} end`);
  };
}

describe('KeyedLock', () => {
  it('runs sections of one key one at a time, in arrival order', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const section = recorder(events);
    await Promise.all([lock.run('a', section('first', 20)), lock.run('a', section('second', 1))]);
    expect(events).toEqual(['first start', 'first end', 'second start', 'second end']);
  });

  it('runs sections of different keys at the same time', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const section = recorder(events);
    await Promise.all([lock.run('a', section('a', 20)), lock.run('b', section('b', 1))]);
    expect(events).toEqual(['a start', 'b start', 'b end', 'a end']);
  });

  it('releases the key when a section fails', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('a', () => Promise.resolve(42))).resolves.toBe(42);
  });
});
