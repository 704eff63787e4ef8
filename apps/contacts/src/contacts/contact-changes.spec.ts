import { parseContactEvent, type ContactEventOf } from '@switchboard/contracts';
import { aStoredContact } from '../../../../test/support/contacts-factory';
import { contactChanges } from './contact-changes';
import { contactEvent } from './contact-publications';

const blockedAt = new Date('2026-11-25T12:00:00Z');
const cause = {
  commandId: '1c7d4a8f-3b2e-4d6c-8f9a-0b1c2d3e4f5a',
  tenantId: 'acme',
  actor: { id: 'agent-9', kind: 'agent' as const, role: 'agent' as const },
};

describe('the changes a contact event reports', () => {
  it('reports a block before and after', () => {
    const before = aStoredContact();
    const after = aStoredContact({
      block: { blocked: true, blockedAt, blockedBy: 'agent-9', reason: 'spam' },
    });
    expect(contactChanges(before, after)).toEqual({
      block: {
        before: { blocked: false },
        after: { blocked: true, blockedAt: blockedAt.toISOString(), blockedBy: 'agent-9', reason: 'spam' },
      },
    });
  });

  it('reports tags before and after, with the tags added and removed told apart by catalog id', () => {
    const before = aStoredContact({ tags: ['vip', 'Loyal'], tagIds: ['t_vip', 't_loyal'] });
    const after = aStoredContact({ tags: ['VIP', 'Gold'], tagIds: ['t_vip', 't_gold'] });
    expect(contactChanges(before, after)).toEqual({
      tags: { before: ['vip', 'Loyal'], after: ['VIP', 'Gold'], added: ['Gold'], removed: ['Loyal'] },
    });
  });

  it('reports profile fields set, cleared and changed, and the attribute map', () => {
    const before = aStoredContact({ name: 'Ada', phone: '+14155550123', attributes: { plan: 'free' } });
    const after = aStoredContact({ name: 'Ada L', email: 'ada@example.com', attributes: { plan: 'pro' } });
    expect(contactChanges(before, after)).toEqual({
      name: { before: 'Ada', after: 'Ada L' },
      email: { before: null, after: 'ada@example.com' },
      phone: { before: '+14155550123', after: null },
      attributes: { before: { plan: 'free' }, after: { plan: 'pro' } },
    });
  });

  it('does not report attributes whose keys were only set in another order', () => {
    const before = aStoredContact({ attributes: { plan: 'pro', seats: 3 } });
    const after = aStoredContact({ attributes: { seats: 3, plan: 'pro' } });
    expect(contactChanges(before, after)).toEqual({});
  });

  it('compares a created contact with an empty one', () => {
    const created = aStoredContact({ name: 'Ada' });
    expect(contactChanges(null, created)).toEqual({
      identities: { before: [], after: [{ channel: 'whatsapp', address: '+14155550123' }] },
      name: { before: null, after: 'Ada' },
    });
  });

  it('puts the changes and the reason in an event that passes its contract', () => {
    const before = aStoredContact({
      block: { blocked: true, blockedAt, blockedBy: 'agent-1', reason: 'spam' },
    });
    const after = aStoredContact({ version: 2, block: { blocked: false } });
    const event = contactEvent(cause, 'ContactUnblocked', after, ['block'], blockedAt, {
      before,
      reason: 'apologised',
    });
    const parsed = parseContactEvent(JSON.parse(JSON.stringify(event))) as ContactEventOf<'ContactUnblocked'>;
    expect(parsed.actor).toEqual(cause.actor);
    expect(parsed.payload).toMatchObject({
      changed: true,
      reason: 'apologised',
      changes: {
        block: {
          before: { blocked: true, blockedBy: 'agent-1', reason: 'spam' },
          after: { blocked: false },
        },
      },
    });
  });

  it('reports no changes for a no-op', () => {
    const contact = aStoredContact();
    const event = contactEvent(cause, 'ContactBlocked', contact, [], blockedAt, { before: contact });
    expect(event.payload).toMatchObject({ changed: false, changes: {} });
    expect(event.payload).not.toHaveProperty('reason');
  });
});
