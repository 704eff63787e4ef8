import type { Contact } from '../apps/contacts/src/contacts/contact.schema';
import { aStoredContact as aContact } from '../test/support/contacts-factory';
import { mergedFields, strictestBlock, survivorOf } from './identity-merge';

function aStoredContact(contactId: string, fields: Partial<Contact> = {}): Contact {
  return aContact({ tenantId: 't', contactId, identities: [], ...fields });
}

describe('merging the contacts of one customer', () => {
  const now = new Date('2026-12-08T00:00:00Z');

  it('keeps the contact that owns the one spelling, else the oldest, else the lowest id', () => {
    const older = aStoredContact('c_b', { createdAt: new Date('2025-01-01T00:00:00Z') });
    const canonical = aStoredContact('c_c');
    expect(survivorOf([older, canonical], new Set(['c_c']))).toBe(canonical);
    expect(survivorOf([canonical, older], new Set())).toBe(older);
    expect(survivorOf([aStoredContact('c_z'), aStoredContact('c_a')], new Set()).contactId).toBe('c_a');
  });

  it('holds the strictest block: any over none, permanent over ending, later end, then the first', () => {
    const none = { blocked: false };
    const ending = { blocked: true, blockedAt: new Date('2026-12-01'), until: new Date('2026-12-09') };
    const endingLater = { blocked: true, blockedAt: new Date('2026-12-02'), until: new Date('2026-12-30') };
    const permanent = { blocked: true, blockedAt: new Date('2026-12-05'), blockedBy: 'agent-2' };
    const earlierPermanent = { blocked: true, blockedAt: new Date('2026-11-05'), blockedBy: 'agent-1' };
    expect(strictestBlock([none, ending])).toBe(ending);
    expect(strictestBlock([ending, endingLater])).toBe(endingLater);
    expect(strictestBlock([endingLater, permanent])).toBe(permanent);
    expect(strictestBlock([permanent, earlierPermanent])).toBe(earlierPermanent);
    expect(strictestBlock([none, { blocked: false }])).toBe(none);
  });

  it('takes every identity once in its one spelling, every tag once, and what the survivor lacks', () => {
    const survivor = aStoredContact('c_ada', {
      identities: [{ channel: 'whatsapp', address: '+14155550123' }],
      name: 'Ada',
      attributes: { plan: 'basic' },
      tags: ['VIP'],
      tagIds: ['t_vip'],
      version: 7,
    });
    const phantom = aStoredContact('c_cloud', {
      identities: [
        { channel: 'whatsapp', address: '14155550123' },
        { channel: 'email', address: 'Ada@Example.COM' },
      ],
      name: 'Ada L.',
      email: 'ada@example.com',
      attributes: { plan: 'pro', city: 'London' },
      tags: ['vip', 'Lead'],
      tagIds: ['t_vip', 't_lead'],
      block: { blocked: true, blockedAt: now, blockedBy: 'agent-1', until: new Date('2027-01-01') },
      createdAt: new Date('2025-06-01T00:00:00Z'),
    });
    expect(mergedFields(survivor, [phantom], now)).toEqual({
      identities: [
        { channel: 'whatsapp', address: '+14155550123' },
        { channel: 'email', address: 'Ada@example.com' },
      ],
      name: 'Ada',
      email: 'ada@example.com',
      attributes: { plan: 'basic', city: 'London' },
      tags: ['VIP', 'Lead'],
      tagIds: ['t_vip', 't_lead'],
      block: phantom.block,
      blockExpires: true,
      version: 8,
      createdAt: phantom.createdAt,
      updatedAt: now,
    });
  });
});
