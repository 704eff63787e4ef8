import type { ConsumedRecord } from './consumed-record';
import { eachKeyInOrder } from './key-ordered';

const aRecord = (offset: number, key: string | null): ConsumedRecord => ({
  topic: 'contacts.commands',
  partition: 0,
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from('{}'),
  headers: {},
  timestamp: '0',
});

const keyOf = (record: ConsumedRecord) => record.key?.toString() ?? '';
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('eachKeyInOrder', () => {
  const records = [
    aRecord(0, 'a'),
    aRecord(1, 'b'),
    aRecord(2, 'a'),
    aRecord(3, null),
    aRecord(4, 'c'),
    aRecord(5, 'b'),
    aRecord(6, null),
    aRecord(7, 'a'),
  ];

  it('handles each key’s records in offset order, and other keys meanwhile', async () => {
    const handled: { key: string; offset: string }[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    await eachKeyInOrder(records, keyOf, 3, async (record) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      // Keys take turns: a record of each key is under way before any finishes.
      await tick();
      handled.push({ key: record.key?.toString() ?? '(none)', offset: record.offset });
      inFlight--;
    });

    const offsetsOf = (key: string) =>
      handled.filter((entry) => entry.key === key).map((entry) => entry.offset);
    expect(handled).toHaveLength(records.length);
    expect(offsetsOf('a')).toEqual(['0', '2', '7']);
    expect(offsetsOf('b')).toEqual(['1', '5']);
    expect(offsetsOf('(none)')).toEqual(['3', '6']);
    expect(mostInFlight).toBe(3);
  });

  it('never has more keys under way than its concurrency, nor two records of one key', async () => {
    const underWay = new Set<string>();
    let mostUnderWay = 0;
    await eachKeyInOrder(records, keyOf, 2, async (record) => {
      const key = record.key?.toString() ?? '';
      expect(underWay.has(key)).toBe(false);
      underWay.add(key);
      mostUnderWay = Math.max(mostUnderWay, underWay.size);
      await tick();
      underWay.delete(key);
    });
    expect(mostUnderWay).toBe(2);
  });

  it('stops a key at its failed record, lets the keys under way finish, then throws the failure', async () => {
    const handled: string[] = [];
    const failure = new Error('poison');
    const run = eachKeyInOrder(records, keyOf, 2, async (record) => {
      await tick();
      if (record.offset === '0') {
        throw failure;
      }
      handled.push(record.offset);
    });

    await expect(run).rejects.toBe(failure);
    // Key a stopped at offset 0; key b, under way, finished; no key started after the failure.
    expect(handled).toEqual(['1', '5']);
  });
});
