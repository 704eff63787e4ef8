import { parseCommand, type ContactCommandOf } from '@switchboard/contracts';
import { aContactCommand } from '@switchboard/testing';
import { aStoredContact } from '../../../../test/support/contacts-factory';
import { decideBlock } from './block-decisions';
import { decideCreate, decideUnblock, decideUpdate } from './contact-decisions';

const now = new Date('2026-11-25T12:00:00Z');
const command = <K extends 'contact.create' | 'contact.block' | 'contact.unblock' | 'contact.update'>(
  type: K,
  payload: object,
) =>
  parseCommand(
    aContactCommand({ type, payload, actor: { id: 'agent-9', kind: 'agent', role: 'agent' } }),
  ) as ContactCommandOf<K>;

describe('contact decisions', () => {
  it('blocks a contact, recording who, when and why', () => {
    expect(decideBlock(command('contact.block', { reason: 'abuse' }), aStoredContact(), now)).toEqual({
      kind: 'apply',
      eventType: 'ContactBlocked',
      changed: true,
      changes: { block: { blocked: true, blockedAt: now, blockedBy: 'agent-9', reason: 'abuse' } },
    });
  });

  it('treats blocking a blocked contact as an unchanged success', () => {
    const blocked = aStoredContact({ block: { blocked: true, blockedBy: 'agent-1', blockedAt: now } });
    expect(decideBlock(command('contact.block', {}), blocked, now)).toMatchObject({
      kind: 'apply',
      changed: false,
      changes: {},
    });
  });

  it('rejects blocking or unblocking a contact that does not exist', () => {
    expect(decideBlock(command('contact.block', {}), null, now)).toMatchObject({
      kind: 'rejected',
      code: 'contact-not-found',
    });
    expect(decideUnblock(command('contact.unblock', {}), null)).toMatchObject({
      kind: 'rejected',
      code: 'contact-not-found',
    });
  });

  it('unblocks a blocked contact and clears the block details', () => {
    const blocked = aStoredContact({
      block: { blocked: true, blockedBy: 'agent-1', blockedAt: now, reason: 'spam' },
    });
    expect(decideUnblock(command('contact.unblock', {}), blocked)).toEqual({
      kind: 'apply',
      eventType: 'ContactUnblocked',
      changed: true,
      changes: { block: { blocked: false } },
    });
  });

  it('creates a new contact with its profile and no tags', () => {
    const identities = [{ channel: 'whatsapp', address: '+14155550123' }];
    const decision = decideCreate(command('contact.create', { identities, name: 'Ada' }), null);
    expect(decision).toMatchObject({
      kind: 'apply',
      eventType: 'ContactCreated',
      changes: { identities, name: 'Ada', tags: [], tagIds: [], attributes: {}, block: { blocked: false } },
    });
  });

  it('merges a create into the existing contact: new identities and changed fields only', () => {
    const existing = aStoredContact({ name: 'Ada', attributes: { plan: 'free', seats: 1 } });
    const decision = decideCreate(
      command('contact.create', {
        identities: [...existing.identities, { channel: 'telegram', address: 'ada_l' }],
        name: 'Ada',
        attributes: { plan: 'pro' },
      }),
      existing,
    );
    expect(decision).toEqual({
      kind: 'apply',
      eventType: 'ContactUpdated',
      changed: true,
      changes: {
        identities: [...existing.identities, { channel: 'telegram', address: 'ada_l' }],
        attributes: { plan: 'pro', seats: 1 },
      },
    });
  });

  it('changes only the profile fields a PATCH names, and clears those set to null', () => {
    const existing = aStoredContact({ name: 'Ada', email: 'ada@example.com', phone: '+14155550123' });

    expect(decideUpdate(command('contact.update', { email: 'ada@lovelace.dev' }), existing)).toEqual({
      kind: 'apply',
      eventType: 'ContactUpdated',
      changed: true,
      changes: { email: 'ada@lovelace.dev' },
    });
    expect(decideUpdate(command('contact.update', { phone: null }), existing)).toMatchObject({
      changes: { phone: undefined },
      changed: true,
    });
    expect(decideUpdate(command('contact.update', { name: 'Ada' }), existing)).toMatchObject({
      changed: false,
      changes: {},
    });
  });
});
