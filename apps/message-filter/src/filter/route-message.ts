import {
  identityKey,
  parseInboundMessage,
  type AppliedBlock,
  type InboundMessage,
} from '@switchboard/contracts';
import type { BlocklistState } from '../blocklist/blocklist.state';

export type Route =
  | { kind: 'accepted'; message: InboundMessage }
  | { kind: 'blocked'; message: InboundMessage; block: AppliedBlock }
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
  const held = blocklist.blockOf(identityKey(message.tenantId, message.channel, message.from));
  if (!held || held.endsAtMs <= nowMs) {
    return { kind: 'accepted', message };
  }
  const { entry } = held;
  return {
    kind: 'blocked',
    message,
    block: {
      contactId: entry.contactId,
      blockedAt: entry.blockedAt,
      blockedBy: entry.blockedBy,
      ...(entry.reason && { reason: entry.reason }),
      ...(entry.until && { until: entry.until }),
    },
  };
}
