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
 * Pure and synchronous: no I/O, no clock, no logging.
 */
export function routeMessage(value: Buffer | null, blocklist: BlocklistState): Route {
  let message: InboundMessage;
  try {
    message = parseInboundMessage(value);
  } catch (error) {
    return { kind: 'invalid', error: error as Error };
  }
  const entry = blocklist.blockOf(identityKey(message.tenantId, message.channel, message.from));
  if (!entry) {
    return { kind: 'accepted', message };
  }
  return {
    kind: 'blocked',
    message,
    block: {
      contactId: entry.contactId,
      blockedAt: entry.blockedAt,
      blockedBy: entry.blockedBy,
      ...(entry.reason && { reason: entry.reason }),
    },
  };
}
