import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import { parseEnvironment } from '@switchboard/config';
import { ContactsSettings } from '../apps/contacts/src/contacts-settings';
import { BoundedBulk } from '../apps/contacts/src/store/bounded-bulk';

const STATEMENTS = 1_000;

interface Counter {
  _id: string;
  value: number;
}

/**
 * The store adapter's bulks against the real store. One FerretDB 1.24 `update` command with as
 * many matched statements as its pool has connections wedges it for every client until restart.
 */
describe('bounded bulks on the real store', () => {
  let store: MongoClient;

  beforeAll(async () => {
    // A wedged store never answers: the socket timeout turns that into a failure, not a hang.
    store = await MongoClient.connect(process.env.MONGODB_URI!, { socketTimeoutMS: 20_000 });
  });

  afterAll(async () => {
    await store.close(true);
  });

  it('applies a 1,000-statement update bulk, and the store still answers afterwards', async () => {
    const bulk = new BoundedBulk(parseEnvironment(ContactsSettings, process.env));
    const counters = store.db(process.env.MONGODB_DB).collection<Counter>(`bounded_bulk_${Date.now()}`);
    const ids = Array.from({ length: STATEMENTS }, (_, index) => `counter-${index}`);
    await bulk.write('insert', ids, (slice) => counters.insertMany(slice.map((_id) => ({ _id, value: 0 }))));

    const updates: AnyBulkWriteOperation<Counter>[] = ids.map((_id) => ({
      updateOne: { filter: { _id }, update: { $inc: { value: 1 } } },
    }));
    const results = await bulk.write('update', updates, (slice) => counters.bulkWrite(slice));

    expect(results.reduce((sum, result) => sum + result.modifiedCount, 0)).toBe(STATEMENTS);
    expect(await counters.countDocuments({ value: 1 })).toBe(STATEMENTS);
    const fresh = await MongoClient.connect(process.env.MONGODB_URI!, { socketTimeoutMS: 5_000 });
    try {
      await expect(fresh.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    } finally {
      await fresh.close(true);
    }
  });
});
