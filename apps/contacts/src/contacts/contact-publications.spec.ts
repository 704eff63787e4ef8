import { topicNames } from '@switchboard/contracts';
import { aStoredContact } from '../../../../test/support/contacts-factory';
import { blocklistRecords } from './contact-publications';

const topics = topicNames('');

describe('blocklistRecords', () => {
  const identities = [
    { channel: 'whatsapp', address: '+14155550123' },
    { channel: 'telegram', address: 'ada_l' },
  ];

  it('writes one entry per identity when a contact is blocked', () => {
    const before = aStoredContact({ identities });
    const after = aStoredContact({
      identities,
      version: 2,
      block: { blocked: true, blockedAt: new Date(0), blockedBy: 'agent-1', reason: 'spam' },
    });

    const records = blocklistRecords(topics, before, after);

    expect(records.map((record) => record.key)).toEqual([
      'acme|whatsapp|+14155550123',
      'acme|telegram|ada_l',
    ]);
    expect(JSON.parse(String(records[0].value))).toMatchObject({
      tenantId: 'acme',
      contactId: after.contactId,
      channel: 'whatsapp',
      address: '+14155550123',
      blockedBy: 'agent-1',
      reason: 'spam',
      contactVersion: 2,
    });
    expect(records.every((record) => record.topic === topics.contactBlocklist)).toBe(true);
  });

  it('writes a tombstone per identity when a contact is unblocked', () => {
    const before = aStoredContact({
      identities,
      block: { blocked: true, blockedBy: 'agent-1', blockedAt: new Date() },
    });
    const after = aStoredContact({ identities, block: { blocked: false } });

    expect(blocklistRecords(topics, before, after).map((record) => [record.key, record.value])).toEqual([
      ['acme|whatsapp|+14155550123', null],
      ['acme|telegram|ada_l', null],
    ]);
  });

  it('blocks only the new identity when a blocked contact gains one', () => {
    const block = { blocked: true, blockedBy: 'agent-1', blockedAt: new Date() };
    const before = aStoredContact({ identities: [identities[0]], block });
    const after = aStoredContact({ identities, block });

    expect(blocklistRecords(topics, before, after).map((record) => record.key)).toEqual([
      'acme|telegram|ada_l',
    ]);
  });

  it('writes nothing for a contact that is not blocked', () => {
    expect(blocklistRecords(topics, null, aStoredContact({ identities }))).toEqual([]);
  });
});
