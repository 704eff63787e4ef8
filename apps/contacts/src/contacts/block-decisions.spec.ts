import { parseCommand, topicNames, type Actor, type ContactCommandOf } from '@switchboard/contracts';
import { aContactCommand } from '@switchboard/testing';
import { aStoredContact } from '../../../../test/support/contacts-factory';
import {
  blockExpiry,
  blockPolicyRefusal,
  decideBlock,
  decideBlockExpiry,
  decideBlockRequest,
  decideUnblockRequest,
} from './block-decisions';
import { blocklistRecords } from './contact-publications';

const now = new Date('2026-11-29T12:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const blockCommand = (payload: object) =>
  parseCommand(
    aContactCommand({
      type: 'contact.block',
      payload,
      actor: { id: 'agent-9', kind: 'agent', role: 'agent' },
    }),
  ) as ContactCommandOf<'contact.block'>;

describe('temporary blocks', () => {
  it('turns a duration into an end counted from when the command is applied', () => {
    expect(blockExpiry({ durationSeconds: 90 }, now)).toEqual(later(90_000));
    expect(blockExpiry({ until: later(5_000).toISOString() }, now)).toEqual(later(5_000));
    expect(blockExpiry({}, now)).toBeUndefined();
  });

  it('refuses an end that has passed by the time the command is applied, or lies over 366 days ahead', () => {
    expect(blockExpiry({ until: now.toISOString() }, now)).toEqual(expect.stringContaining('future'));
    expect(blockExpiry({ until: later(367 * 86_400_000).toISOString() }, now)).toEqual(
      expect.stringContaining('366 days'),
    );
    expect(
      decideBlock(blockCommand({ until: later(-1).toISOString() }), aStoredContact(), now),
    ).toMatchObject({
      kind: 'rejected',
      code: 'validation-failed',
    });
  });

  it('takes an end only as a date and time with its zone, so every host reads the same instant', () => {
    for (const until of [
      '2027-W10-1',
      '2027-060',
      '2027-03-01',
      '2027-03-01T09:00:00',
      '2027-02-30T09:00:00Z',
    ]) {
      expect(() => blockCommand({ until })).toThrow(/until/);
    }
    expect(blockCommand({ until: '2027-03-01T09:00:00+01:00' }).payload.until).toBe(
      '2027-03-01T09:00:00+01:00',
    );
    expect(blockExpiry({ until: 'not a time' }, now)).toEqual(expect.stringContaining('not a time'));
  });

  it('records the end with the block', () => {
    expect(
      decideBlock(blockCommand({ reason: 'cool off', durationSeconds: 60 }), aStoredContact(), now),
    ).toEqual({
      kind: 'apply',
      eventType: 'ContactBlocked',
      changed: true,
      changes: {
        block: {
          blocked: true,
          blockedAt: now,
          blockedBy: 'agent-9',
          reason: 'cool off',
          until: later(60_000),
        },
      },
    });
  });

  it('leaves a block with the same end as it is, and replaces one with another end (or none)', () => {
    const until = later(60_000);
    const blocked = aStoredContact({
      block: { blocked: true, blockedAt: later(-1_000), blockedBy: 'agent-1', until },
    });
    expect(decideBlockRequest(blocked, 'c_ada', { blockedBy: 'agent-9', until }, now)).toMatchObject({
      changed: false,
    });
    expect(decideBlockRequest(blocked, 'c_ada', { blockedBy: 'agent-9' }, now)).toMatchObject({
      changed: true,
      changes: { block: { blocked: true, blockedAt: now, blockedBy: 'agent-9' } },
    });
    expect(
      decideBlockRequest(blocked, 'c_ada', { blockedBy: 'agent-9', until: later(120_000) }, now),
    ).toMatchObject({ changed: true, changes: { block: { until: later(120_000) } } });
  });

  it('keeps any existing block when a bulk job blocks', () => {
    const blocked = aStoredContact({
      block: { blocked: true, blockedAt: later(-1_000), blockedBy: 'agent-1' },
    });
    expect(
      decideBlockRequest(blocked, 'c_ada', { blockedBy: 'agent-9', until: later(60_000) }, now, {
        keepExisting: true,
      }),
    ).toMatchObject({ changed: false });
    expect(decideUnblockRequest(blocked, 'c_ada')).toMatchObject({
      changed: true,
      changes: { block: { blocked: false } },
    });
    expect(decideUnblockRequest(aStoredContact(), 'c_ada')).toMatchObject({ changed: false });
    expect(decideUnblockRequest(null, 'c_gone')).toMatchObject({
      kind: 'rejected',
      code: 'contact-not-found',
    });
  });
});

describe('a block whose end has passed before the sweeper recorded its unblock', () => {
  const ended = aStoredContact({
    block: { blocked: true, blockedAt: later(-60_000), blockedBy: 'agent-1', until: later(-1) },
  });

  it('is replaced by a bulk block instead of being kept (and then unblocked by the sweeper)', () => {
    expect(
      decideBlockRequest(ended, 'c_ada', { blockedBy: 'agent-9', reason: 'spam' }, now, {
        keepExisting: true,
      }),
    ).toMatchObject({
      changed: true,
      changes: { block: { blocked: true, blockedAt: now, blockedBy: 'agent-9', reason: 'spam' } },
    });
  });

  it('is replaced by a block command, and the sweeper then leaves the new block alone', () => {
    const decision = decideBlock(blockCommand({ reason: 'again' }), ended, now);
    expect(decision).toMatchObject({ changed: true, changes: { block: { blockedAt: now } } });
    const reblocked = aStoredContact({
      block: { blocked: true, blockedAt: now, blockedBy: 'agent-9', reason: 'again' },
    });
    expect(
      decideBlockExpiry(reblocked, { blockedAt: later(-60_000), until: later(-1) }, later(1_000)),
    ).toMatchObject({ changed: false });
  });
});

describe('the automatic unblock of an ended block', () => {
  const blockedAt = later(-60_000);
  const until = later(-1);
  const temporarilyBlocked = aStoredContact({
    block: { blocked: true, blockedAt, blockedBy: 'agent-1', until },
  });

  it('unblocks a contact whose block ended', () => {
    expect(decideBlockExpiry(temporarilyBlocked, { blockedAt, until }, now)).toEqual({
      kind: 'apply',
      eventType: 'ContactUnblocked',
      changed: true,
      changes: { block: { blocked: false } },
    });
    expect(decideBlockExpiry(temporarilyBlocked, { blockedAt, until }, until)).toMatchObject({
      changed: true,
    });
  });

  it.each([
    ['the block has not ended yet', temporarilyBlocked, { blockedAt, until }, later(-2)],
    ['the contact was unblocked by hand', aStoredContact(), { blockedAt, until }, now],
    [
      'the contact was blocked again for good',
      aStoredContact({ block: { blocked: true, blockedAt: later(-10), blockedBy: 'agent-2' } }),
      { blockedAt, until },
      now,
    ],
    [
      'the contact was blocked again with another end',
      aStoredContact({
        block: { blocked: true, blockedAt: later(-10), blockedBy: 'agent-2', until: later(60_000) },
      }),
      { blockedAt, until },
      now,
    ],
    [
      'the block was replaced by one with the same end',
      aStoredContact({ block: { blocked: true, blockedAt: later(-10), blockedBy: 'agent-2', until } }),
      { blockedAt, until },
      now,
    ],
    ['the contact is gone', null, { blockedAt, until }, now],
  ])('changes nothing when %s', (_case, current, scheduled, at) => {
    expect(decideBlockExpiry(current, scheduled, at)).toEqual({
      kind: 'apply',
      eventType: 'ContactUnblocked',
      changed: false,
      changes: {},
    });
  });

  it('puts the end on every blocklist entry, and writes them all again when the block is replaced', () => {
    const identities = [
      { channel: 'whatsapp', address: '+14155550123' },
      { channel: 'telegram', address: 'ada_l' },
    ];
    const first = aStoredContact({
      identities,
      version: 2,
      block: { blocked: true, blockedAt, blockedBy: 'a', until },
    });
    const records = blocklistRecords(topicNames(''), aStoredContact({ identities }), first);
    expect(records.map((record) => JSON.parse(String(record.value)).until)).toEqual([
      until.toISOString(),
      until.toISOString(),
    ]);
    const replaced = aStoredContact({
      identities,
      version: 3,
      block: { blocked: true, blockedAt: now, blockedBy: 'a' },
    });
    const rewritten = blocklistRecords(topicNames(''), first, replaced);
    expect(rewritten).toHaveLength(2);
    expect(rewritten.map((record) => 'until' in JSON.parse(String(record.value)))).toEqual([false, false]);
    expect(blocklistRecords(topicNames(''), first, { ...first, version: 3 })).toEqual([]);
  });
});

describe('the block policy', () => {
  const actor = (role: Actor['role']): Actor => ({ id: `${role}-1`, kind: 'agent', role });
  const agentsMay = { whoMayBlock: 'agents', reasonRequired: false } as const;
  const adminsOnly = { whoMayBlock: 'admins', reasonRequired: false } as const;
  const reasonRequired = { whoMayBlock: 'agents', reasonRequired: true } as const;

  it.each([
    [agentsMay, 'admin', undefined, undefined],
    [agentsMay, 'agent', undefined, undefined],
    [agentsMay, 'viewer', undefined, 'block-not-permitted'],
    [adminsOnly, 'admin', undefined, undefined],
    [adminsOnly, 'agent', 'spam', 'block-not-permitted'],
    [adminsOnly, 'viewer', 'spam', 'block-not-permitted'],
    [reasonRequired, 'agent', 'spam', undefined],
    [reasonRequired, 'agent', undefined, 'block-reason-required'],
    [reasonRequired, 'agent', '   ', 'block-reason-required'],
    [reasonRequired, 'admin', undefined, 'block-reason-required'],
  ] as const)('under %o, a %s giving reason %p is refused with %p', (policy, role, reason, code) => {
    for (const action of ['block', 'unblock'] as const) {
      expect(blockPolicyRefusal(policy, actor(role), action, reason)?.code).toBe(code);
    }
  });

  it('says why, for people', () => {
    expect(blockPolicyRefusal(adminsOnly, actor('agent'), 'unblock', undefined)?.reason).toBe(
      "the tenant's block policy lets only admins unblock contacts; agent-1 is an agent",
    );
  });
});
