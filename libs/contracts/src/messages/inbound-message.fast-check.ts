import Ajv from 'ajv';
import { canonicalAddress } from '../canonical-address';
import { CHANNEL_PATTERN, TENANT_ID_PATTERN } from '../identifiers';
import { RESERVED_KEYS, unstorableInputErrors } from '../storable-input';
import { ContractViolationError, parseJson, validateContract } from '../validation';
import {
  INBOUND_MESSAGE_MAX_BYTES,
  InboundMessage,
  MESSAGE_ID_PATTERN,
  MessageTypes,
} from './inbound-message';

/**
 * A JSON Schema that accepts a subset of what the `InboundMessage` class accepts (stricter
 * where the two could differ, e.g. `sentAt` as RFC 3339), compiled once. Checking a message
 * with it costs about a microsecond, against tens for class-validator.
 */
const inboundMessageFastSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'tenantId', 'channel', 'from', 'to', 'type', 'content', 'sentAt'],
  properties: {
    messageId: { type: 'string', pattern: MESSAGE_ID_PATTERN.source },
    tenantId: { type: 'string', pattern: TENANT_ID_PATTERN.source },
    channel: { type: 'string', pattern: CHANNEL_PATTERN.source },
    from: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^|\\u0000-\\u001f\\u007f-\\u009f]+$' },
    to: { type: 'string', maxLength: 256 },
    type: { type: 'string', enum: [...MessageTypes] },
    content: { type: 'object' },
    sentAt: {
      type: 'string',
      pattern:
        '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$',
    },
    profile: {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string', maxLength: 200 } },
    },
  },
} as const;

const fastCheck = new Ajv({ allErrors: false, unicodeRegExp: true }).compile(inboundMessageFastSchema);

/**
 * Parses and validates an inbound message record, its sender normalised to the channel's one
 * spelling (`canonicalAddress`). The fast schema decides the common case; whatever it does not
 * accept goes to the `InboundMessage` class, which has the last word and the field errors. So
 * the verdict is always class-validator's (a spec proves the subset).
 */
export function parseInboundMessage(value: Buffer | string | null): InboundMessage {
  const size = value === null ? 0 : Buffer.byteLength(value);
  if (size > INBOUND_MESSAGE_MAX_BYTES) {
    throw new ContractViolationError(
      `an inbound message is at most ${INBOUND_MESSAGE_MAX_BYTES} bytes; this one has ${size}`,
    );
  }
  const text = value === null ? null : value.toString();
  const plain = parseJson(text);
  // A string (not bytes) may hold a lone surrogate as it is: it always gets the walk.
  const mayBeUnstorable = typeof value === 'string' || (text !== null && UNSTORABLE_MARKER.test(text));
  if (schemaAccepts(plain) && (!mayBeUnstorable || unstorableInputErrors(plain).length === 0)) {
    const message = plain as InboundMessage;
    // The sender's one spelling (one pattern test when it is already); an unreadable number
    // goes on to the class, which refuses it with the reason.
    const from = canonicalAddress(message.channel, message.from);
    if (from === message.from) {
      return message;
    }
    if (from !== undefined) {
      return { ...message, from };
    }
  }
  return validateContract(InboundMessage, plain);
}

/**
 * Does the fast path alone accept this value? (Exported for the subset spec.) Content is any
 * channel JSON, so the schema cannot see a reserved key or U+0000 in it: one walk does.
 */
export function fastSchemaAccepts(plain: unknown): boolean {
  return (
    schemaAccepts(plain) &&
    unstorableInputErrors(plain).length === 0 &&
    canonicalAddress((plain as InboundMessage).channel, (plain as InboundMessage).from) !== undefined
  );
}

function schemaAccepts(plain: unknown): boolean {
  return fastCheck(plain) && isCalendarDate((plain as { sentAt: string }).sentAt);
}

/**
 * In JSON text, U+0000 and surrogates can only be written as `\\u` escapes (raw control
 * characters are not JSON; undecodable bytes become U+FFFD), and a reserved key only as itself
 * in quotes or with a `\\u` escape: text without these markers needs no walk.
 */
const UNSTORABLE_MARKER = new RegExp(`\\\\u|"(${[...RESERVED_KEYS].join('|')})"`);

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The pattern allows day 31 of every month; the calendar does not (29 February only in leap years). */
function isCalendarDate(timestamp: string): boolean {
  const year = Number(timestamp.slice(0, 4));
  const month = Number(timestamp.slice(5, 7));
  const day = Number(timestamp.slice(8, 10));
  if (month === 2 && day === 29) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  }
  return day <= daysInMonth[month - 1];
}
