import { anInboundMessage } from '@switchboard/testing';
import { ContractViolationError, validateContract } from '../validation';
import { InboundMessage } from './inbound-message';
import { fastSchemaAccepts, parseInboundMessage } from './inbound-message.fast-check';

function classAccepts(plain: unknown): boolean {
  try {
    validateContract(InboundMessage, plain);
    return true;
  } catch (error) {
    if (error instanceof ContractViolationError) {
      return false;
    }
    throw error;
  }
}

/** Field values that probe the edges of each rule. */
const probes: Record<string, unknown[]> = {
  messageId: ['m-1', '', 'a'.repeat(128), 'a'.repeat(129), 'has space', 'wa:ABG=+/_.', 42, null],
  tenantId: ['acme', 'ACME', 'a'.repeat(64), 'a'.repeat(65), 'ac:me', '-acme', '', 7],
  channel: ['whatsapp', 'WhatsApp', 'sms', '9chan', 'a'.repeat(32), 'a'.repeat(33), ''],
  from: [
    '+14155550123',
    '14155550123',
    'whatsapp:+14155550123',
    '+1 415-555-0123',
    '(415) 555-0123',
    'user_1',
    'a|b',
    'tab\there',
    'x'.repeat(256),
    'x'.repeat(257),
    '',
    '😀',
    5,
  ],
  to: ['+14155550100', '', 'x'.repeat(256), 'x'.repeat(257), null, 'a\u0000b'],
  type: ['text', 'image', 'hologram', '', 'TEXT'],
  content: [
    { text: 'hi' },
    {},
    'hi',
    [],
    null,
    { nested: { deep: true } },
    { text: 'nul \u0000 inside' },
    { text: 'lone \ud800 surrogate' },
    { text: 'a pair 😀 is fine' },
    { list: [{ caption: '\u0000' }] },
    { ['key\u0000']: 'x' },
    JSON.parse('{"__proto__":{"text":"hi"}}'),
    JSON.parse('{"constructor":"x"}'),
    { nested: JSON.parse('{"toString":"x"}') },
  ],
  sentAt: [
    '2026-11-25T12:00:00Z',
    '2026-11-25T12:00:00.123456Z',
    '2026-11-25T12:00:00+02:00',
    '2026-11-25',
    '2026-11-25T25:00:00Z',
    '2026-02-30T12:00:00Z',
    '2028-02-29T12:00:00Z',
    '2026-02-29T12:00:00Z',
    '2026-04-31T12:00:00Z',
    'yesterday',
    '',
    1_764_000_000,
  ],
  profile: [
    undefined,
    { name: 'Ada' },
    {},
    { name: 'x'.repeat(201) },
    { name: 'Ada\u0000' },
    { name: 3 },
    { admin: true },
    null,
    'Ada',
  ],
  extra: [undefined, 'unexpected'],
};

describe('the inbound message fast schema', () => {
  const cases: Record<string, unknown>[] = [];
  for (const [field, values] of Object.entries(probes)) {
    for (const value of values) {
      const message: Record<string, unknown> = { ...anInboundMessage() };
      if (value === undefined) {
        delete message[field];
      } else {
        message[field] = value;
      }
      cases.push(message);
    }
  }

  it('never accepts what the InboundMessage class refuses', () => {
    const overlyLenient = cases.filter((message) => fastSchemaAccepts(message) && !classAccepts(message));
    expect(overlyLenient).toEqual([]);
  });

  it('reads a phone channel sender in its one spelling, however it was written', () => {
    for (const from of ['+14155550123', '14155550123', 'whatsapp:+14155550123', '+1 415-555-0123']) {
      expect(parseInboundMessage(JSON.stringify(anInboundMessage({ from }))).from).toBe('+14155550123');
    }
    expect(() => parseInboundMessage(JSON.stringify(anInboundMessage({ from: '(415) 555-0123' })))).toThrow(
      /from must be a phone number with its country code/,
    );
    // Other channels: as sent.
    expect(
      parseInboundMessage(JSON.stringify(anInboundMessage({ channel: 'telegram', from: 'Ada' }))).from,
    ).toBe('Ada');
  });

  it('accepts the common valid message without falling back', () => {
    expect(fastSchemaAccepts(anInboundMessage())).toBe(true);
    expect(fastSchemaAccepts(anInboundMessage({ profile: { name: 'Ada' } }))).toBe(true);
  });

  it('gives the same verdict as the class for every probe, through the fallback', () => {
    for (const message of cases) {
      const parsed = (() => {
        try {
          parseInboundMessage(JSON.stringify(message));
          return true;
        } catch {
          return false;
        }
      })();
      expect({ message, accepted: parsed }).toEqual({ message, accepted: classAccepts(message) });
    }
  });
});
