import { parseEnvironment } from '@switchboard/config';
import { ContactsSettings } from '../contacts-settings';
import { BoundedBulk, sliceInto } from './bounded-bulk';

const settings = (environment: NodeJS.ProcessEnv = {}) => parseEnvironment(ContactsSettings, environment);
const items = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('sliceInto', () => {
  it('cuts items into consecutive slices of at most the size, every item once, in order', () => {
    expect(sliceInto(items(7), 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(sliceInto([], 3)).toEqual([]);
  });
});

describe('BoundedBulk', () => {
  it('derives the statements per update command from the pool, its sharers and the jobs cursors', () => {
    const bulk = new BoundedBulk(
      settings({ STORE_POOL_CONNECTIONS: '100', STORE_SHARING_PROCESSES: '4', JOBS_CONCURRENTLY: '4' }),
    );
    expect(bulk.updateStatementsPerCommand).toBe(10);
  });

  it('splits a 1,000-statement update bulk into commands within the bound, one after another, in order', async () => {
    const bulk = new BoundedBulk(settings());
    const sent: number[][] = [];
    let inFlight = 0;
    const results = await bulk.write('update', items(1_000), async (slice) => {
      inFlight++;
      expect(inFlight).toBe(1);
      sent.push(slice);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return slice.length;
    });
    expect(sent.every((slice) => slice.length <= bulk.updateStatementsPerCommand)).toBe(true);
    expect(sent.flat()).toEqual(items(1_000));
    expect(results.reduce((sum, count) => sum + count, 0)).toBe(1_000);
  });

  it('writes unordered updates as small commands at once, never more statements in flight than the bound', async () => {
    const bulk = new BoundedBulk(settings());
    let inFlight = 0;
    let most = 0;
    const sent: number[][] = [];
    await bulk.writeUnordered(items(101), async (slice) => {
      inFlight += slice.length;
      most = Math.max(most, inFlight);
      sent.push(slice);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= slice.length;
    });
    expect(most).toBeLessThanOrEqual(bulk.updateStatementsPerCommand);
    expect(most).toBeGreaterThan(2);
    expect(sent.flat().sort((a, b) => a - b)).toEqual(items(101));
  });

  it('runs every unordered command and throws the first failure once they ended', async () => {
    const bulk = new BoundedBulk(settings());
    const ran: number[] = [];
    await expect(
      bulk.writeUnordered(items(10), (slice) => {
        ran.push(...slice);
        return slice.includes(0) ? Promise.reject(new Error('refused')) : Promise.resolve();
      }),
    ).rejects.toThrow('refused');
    expect(ran.sort((a, b) => a - b)).toEqual(items(10));
  });

  it('keeps the update statements of concurrent bulks together within the bound', async () => {
    const bulk = new BoundedBulk(settings());
    let statementsInFlight = 0;
    let most = 0;
    const command = async (slice: number[]) => {
      statementsInFlight += slice.length;
      most = Math.max(most, statementsInFlight);
      await new Promise((resolve) => setImmediate(resolve));
      statementsInFlight -= slice.length;
    };
    await Promise.all([1, 2, 3, 4].map(() => bulk.write('update', items(55), command)));
    expect(most).toBeLessThanOrEqual(bulk.updateStatementsPerCommand);
  });

  it('stops at the first failing command', async () => {
    const bulk = new BoundedBulk(settings());
    const sent: number[][] = [];
    const failing = bulk.write('update', items(100), (slice) => {
      sent.push(slice);
      return sent.length === 2 ? Promise.reject(new Error('refused')) : Promise.resolve();
    });
    await expect(failing).rejects.toThrow('refused');
    expect(sent).toHaveLength(2);
  });

  it('sends inserts, which hold nothing on the store, in commands of up to 1,000', async () => {
    const bulk = new BoundedBulk(settings());
    const sent: number[] = [];
    await bulk.write('insert', items(2_500), (slice) => Promise.resolve(sent.push(slice.length)));
    expect(sent).toEqual([1_000, 1_000, 500]);
  });
});
