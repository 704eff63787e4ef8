import { identityKey } from '@switchboard/contracts';
import { aBlocklistEntry, anInboundMessage } from '@switchboard/testing';
import { BlocklistState } from '../blocklist/blocklist.state';
import { routeMessage } from './route-message';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));
const NOW = Date.parse('2026-11-29T12:00:00.000Z');

describe('routeMessage', () => {
  let blocklist: BlocklistState;

  beforeEach(() => {
    blocklist = new BlocklistState();
  });

  function block(tenantId: string, channel: string, address: string, reason?: string, until?: string) {
    const entry = aBlocklistEntry({ tenantId, channel, address, reason, ...(until && { until }) });
    blocklist.apply(identityKey(tenantId, channel, address), entry);
    return entry;
  }

  it('accepts a valid message from a sender that is not blocked', () => {
    const message = anInboundMessage();
    expect(routeMessage(encode(message), blocklist, NOW)).toEqual({
      kind: 'accepted',
      message,
      key: identityKey(message.tenantId, message.channel, message.from),
    });
  });

  it('drops a message from a blocked identity, with the block that dropped it', () => {
    const message = anInboundMessage();
    const entry = block(message.tenantId, message.channel, message.from, 'spam');

    expect(routeMessage(encode(message), blocklist, NOW)).toEqual({
      kind: 'blocked',
      message,
      key: identityKey(message.tenantId, message.channel, message.from),
      block: {
        contactId: entry.contactId,
        blockedAt: entry.blockedAt,
        blockedBy: entry.blockedBy,
        reason: 'spam',
      },
    });
  });

  it('drops a blocked number however the producer spelled it, and keys it by its one spelling', () => {
    block('acme', 'whatsapp', '+14155550123', 'spam');
    for (const from of ['14155550123', '+1 415-555-0123', 'whatsapp:+14155550123']) {
      const route = routeMessage(encode(anInboundMessage({ from })), blocklist, NOW);
      expect(route).toMatchObject({
        kind: 'blocked',
        key: 'acme|whatsapp|+14155550123',
        message: { from: '+14155550123' },
      });
    }
  });

  it('leaves out the reason when the block has none', () => {
    const message = anInboundMessage();
    block(message.tenantId, message.channel, message.from);

    const route = routeMessage(encode(message), blocklist, NOW);
    expect(route.kind === 'blocked' && 'reason' in route.block).toBe(false);
  });

  it('does not apply a block of one tenant to the same address in another tenant', () => {
    const message = anInboundMessage({ tenantId: 'tenant-b' });
    block('tenant-a', message.channel, message.from);

    expect(routeMessage(encode(message), blocklist, NOW).kind).toBe('accepted');
  });

  it('does not apply a block of one channel to the same address on another channel', () => {
    const message = anInboundMessage({ channel: 'sms' });
    block(message.tenantId, 'whatsapp', message.from);

    expect(routeMessage(encode(message), blocklist, NOW).kind).toBe('accepted');
  });

  it('accepts again once a tombstone removed the block', () => {
    const message = anInboundMessage();
    block(message.tenantId, message.channel, message.from);
    blocklist.apply(identityKey(message.tenantId, message.channel, message.from), null);

    expect(routeMessage(encode(message), blocklist, NOW).kind).toBe('accepted');
  });

  describe('a temporary block', () => {
    const until = '2026-11-29T12:00:05.000Z';
    const endsAt = Date.parse(until);

    it.each([
      ['a day before it ends', endsAt - 86_400_000, 'blocked'],
      ['a second before it ends', endsAt - 1_000, 'blocked'],
      ['the last millisecond before it ends', endsAt - 1, 'blocked'],
      ['the instant it ends', endsAt, 'accepted'],
      ['a millisecond after it ends', endsAt + 1, 'accepted'],
      ['a year after it ends', endsAt + 366 * 86_400_000, 'accepted'],
    ])('routes a message processed %s as %s', (_case, processedAt, expected) => {
      const message = anInboundMessage();
      block(message.tenantId, message.channel, message.from, 'cooling off', until);

      expect(routeMessage(encode(message), blocklist, processedAt).kind).toBe(expected);
    });

    it('compares with the processing time, not the time the message says it was sent', () => {
      const message = anInboundMessage({ sentAt: '2026-11-29T11:00:00.000Z' });
      block(message.tenantId, message.channel, message.from, undefined, until);

      expect(routeMessage(encode(message), blocklist, endsAt).kind).toBe('accepted');
      expect(routeMessage(encode({ ...message, sentAt: until }), blocklist, endsAt - 1).kind).toBe('blocked');
    });

    it('says in the drop when the block ends', () => {
      const message = anInboundMessage();
      block(message.tenantId, message.channel, message.from, 'cooling off', until);

      const route = routeMessage(encode(message), blocklist, endsAt - 1);
      expect(route.kind === 'blocked' && route.block).toMatchObject({ reason: 'cooling off', until });
    });

    it('leaves the end out of the drop of a block that has none', () => {
      const message = anInboundMessage();
      block(message.tenantId, message.channel, message.from);

      const route = routeMessage(encode(message), blocklist, Number.MAX_SAFE_INTEGER);
      expect(route.kind).toBe('blocked');
      expect(route.kind === 'blocked' && 'until' in route.block).toBe(false);
    });

    it('takes the end of the newest entry: a block replaced by a longer one stays enforced', () => {
      const message = anInboundMessage();
      block(message.tenantId, message.channel, message.from, undefined, until);
      block(message.tenantId, message.channel, message.from, undefined, '2026-11-30T12:00:00.000Z');

      expect(routeMessage(encode(message), blocklist, endsAt + 1).kind).toBe('blocked');
    });

    it('ends only its own identity: another identity blocked for good stays blocked', () => {
      const temporary = anInboundMessage();
      const permanent = anInboundMessage({ tenantId: temporary.tenantId });
      block(temporary.tenantId, temporary.channel, temporary.from, undefined, until);
      block(permanent.tenantId, permanent.channel, permanent.from);

      expect(routeMessage(encode(temporary), blocklist, endsAt).kind).toBe('accepted');
      expect(routeMessage(encode(permanent), blocklist, endsAt).kind).toBe('blocked');
    });

    it('is gone once the automatic unblock’s tombstone arrives', () => {
      const message = anInboundMessage();
      block(message.tenantId, message.channel, message.from, undefined, until);
      blocklist.apply(identityKey(message.tenantId, message.channel, message.from), null);

      expect(routeMessage(encode(message), blocklist, endsAt - 1).kind).toBe('accepted');
    });
  });

  it.each([
    ['no value (tombstone on the inbound topic)', null],
    ['bytes that are not JSON', Buffer.from('{"messageId":')],
    ['a JSON array', encode([anInboundMessage()])],
    ['a JSON string', encode('hello')],
    ['a missing sender', encode({ ...anInboundMessage(), from: undefined })],
    ['a sender with the key separator', encode(anInboundMessage({ from: 'a|b' }))],
    ['a tenant id with upper case', encode(anInboundMessage({ tenantId: 'ACME' }))],
    ['an unknown message type', encode({ ...anInboundMessage(), type: 'hologram' })],
    ['a sentAt that is not a date', encode({ ...anInboundMessage(), sentAt: 'yesterday' })],
    ['content that is not an object', encode({ ...anInboundMessage(), content: 'hi' })],
    ['an unknown property', encode({ ...anInboundMessage(), admin: true })],
  ])('reports %s as invalid, with a reason', (_case, value) => {
    const route = routeMessage(value, blocklist, NOW);
    expect(route.kind).toBe('invalid');
    expect(route.kind === 'invalid' && route.error.message.length).toBeGreaterThan(0);
  });
});
