import {
  identityKey,
  parseInboundMessage,
  type AppliedBlock,
  type InboundMessage,
} from '@switchboard/contracts';
import type { BlocklistState } from '../blocklist/blocklist.state';

/** Where a record goes; `key` is its sender's identity key, of the sender's one spelling. */
export type Route =
  | { kind: 'accepted'; message: InboundMessage; key: string }
  | { kind: 'blocked'; message: InboundMessage; key: string; block: AppliedBlock }
  | { kind: 'invalid'; error: Error };

/**
 * The hot path: decides where one inbound record goes, from memory only.
 * Pure and synchronous: no I/O, no clock, no logging. `nowMs` is the processing time: a
 * temporary block counts until the instant it ends (`until`), and not from then on, whether
 * or not the automatic unblock's tombstone has arrived yet.
 */
export function routeMessage(value: Buffer | null, blocklist: BlocklistState, nowMs: number): Route {
  let message: InboundMessage;
  try {
    message = parseInboundMessage(value);
  } catch (error) {
    return { kind: 'invalid', error: error as Error };
  }
  // Decided on the sender's one spelling, whatever spelling the producer wrote.
  const key = identityKey(message.tenantId, message.channel, message.from);
  const held = blocklist.blockOf(key);
  if (!held || held.endsAtMs <= nowMs) {
    return { kind: 'accepted', message, key };
  }
  const { entry } = held;
  return {
    kind: 'blocked',
    message,
    key,
    block: {
      contactId: entry.contactId,
      blockedAt: entry.blockedAt,
      blockedBy: entry.blockedBy,
      ...(entry.reason && { reason: entry.reason }),
      ...(entry.until && { until: entry.until }),
    },
  };
}
