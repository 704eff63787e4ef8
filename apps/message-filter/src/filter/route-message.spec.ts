import { identityKey } from '@switchboard/contracts';
import { aBlocklistEntry, anInboundMessage } from '@switchboard/testing';
import { BlocklistState } from '../blocklist/blocklist.state';
import { routeMessage } from './route-message';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('routeMessage', () => {
  let blocklist: BlocklistState;

  beforeEach(() => {
    blocklist = new BlocklistState();
  });

  function block(tenantId: string, channel: string, address: string, reason?: string) {
    const entry = aBlocklistEntry({ tenantId, channel, address, reason });
    blocklist.apply(identityKey(tenantId, channel, address), entry);
    return entry;
  }

  it('accepts a valid message from a sender that is not blocked', () => {
    const message = anInboundMessage();
    expect(routeMessage(encode(message), blocklist)).toEqual({ kind: 'accepted', message });
  });

  it('drops a message from a blocked identity, with the block that dropped it', () => {
    const message = anInboundMessage();
    const entry = block(message.tenantId, message.channel, message.from, 'spam');

    expect(routeMessage(encode(message), blocklist)).toEqual({
      kind: 'blocked',
      message,
      block: {
        contactId: entry.contactId,
        blockedAt: entry.blockedAt,
        blockedBy: entry.blockedBy,
        reason: 'spam',
      },
    });
  });

  it('leaves out the reason when the block has none', () => {
    const message = anInboundMessage();
    block(message.tenantId, message.channel, message.from);

    const route = routeMessage(encode(message), blocklist);
    expect(route.kind === 'blocked' && 'reason' in route.block).toBe(false);
  });

  it('does not apply a block of one tenant to the same address in another tenant', () => {
    const message = anInboundMessage({ tenantId: 'tenant-b' });
    block('tenant-a', message.channel, message.from);

    expect(routeMessage(encode(message), blocklist).kind).toBe('accepted');
  });

  it('does not apply a block of one channel to the same address on another channel', () => {
    const message = anInboundMessage({ channel: 'sms' });
    block(message.tenantId, 'whatsapp', message.from);

    expect(routeMessage(encode(message), blocklist).kind).toBe('accepted');
  });

  it('accepts again once a tombstone removed the block', () => {
    const message = anInboundMessage();
    block(message.tenantId, message.channel, message.from);
    blocklist.apply(identityKey(message.tenantId, message.channel, message.from), null);

    expect(routeMessage(encode(message), blocklist).kind).toBe('accepted');
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
    const route = routeMessage(value, blocklist);
    expect(route.kind).toBe('invalid');
    expect(route.kind === 'invalid' && route.error.message.length).toBeGreaterThan(0);
  });
});
