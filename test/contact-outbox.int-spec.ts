import { MongoClient } from 'mongodb';
import { aCreateContactRequest, expectEventually, mintToken, TopicProbe } from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

/**
 * A contact's outbox (the events and blocklist records a command wrote beside its state) is
 * emptied once Kafka acknowledged them, so nothing is republished later. (It was once emptied
 * by a `$pull` by `commandId`, which FerretDB 1.24 serves as removing nothing.)
 */
describe("a contact's outbox", () => {
  let system: System;
  let store: MongoClient;
  let probe: TopicProbe;
  const tenant = `outbox-${Date.now().toString(36)}`;
  const token = mintToken({ tenant, role: 'agent' });

  beforeAll(async () => {
    system = await startSystem({ withFilter: true });
    store = await MongoClient.connect(process.env.MONGODB_URI!);
    probe = await new TopicProbe(system.kafka, [system.topics.contactBlocklist]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await store?.close();
    await system?.stop();
  });

  it('is empty after a create, a block and an unblock, and publishes no block again', async () => {
    const created = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token,
      body: aCreateContactRequest(),
    });
    expect(created.status).toBe(200);
    const contactId = created.body.contactId as string;
    for (const action of ['block', 'unblock']) {
      const answer = await http('POST', `${system.gateway.url}/v1/contacts/${contactId}/${action}`, {
        token,
        body: {},
      });
      expect(answer.status).toBe(200);
    }
    const contacts = store
      .db(process.env.MONGODB_DB)
      .collection<{ pendingPublications: unknown[] }>('contacts');
    await expectEventually(async () => {
      const stored = await contacts.findOne({ _id: `${tenant}:${contactId}` as never });
      expect(stored?.pendingPublications).toEqual([]);
    });
    // A later command republishes nothing of the earlier ones: one block record, one tombstone.
    const renamed = await http('PATCH', `${system.gateway.url}/v1/contacts/${contactId}`, {
      token,
      body: { name: 'Ada Byron' },
    });
    expect(renamed.status).toBe(200);
    const blocklistRecords = () =>
      probe
        .of(system.topics.contactBlocklist)
        .filter((record) => record.key?.toString().startsWith(`${tenant}|`));
    await expectEventually(() => expect(blocklistRecords()).toHaveLength(2));
  });
});
