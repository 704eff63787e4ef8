import type { IdentityActivity } from './identity-activity.schema';
import type { MessageStatus, MessageView } from './stored-message.schema';

/** A message newly stored by a record of the partition that owns its activity document. */
export interface CountedMessage {
  offset: number;
  sentAt: Date;
  view: MessageView;
}

/** What a batch brings to one identity's activity document with one status. */
export interface ActivityChange {
  _id: string;
  tenantId: string;
  contactId: string;
  status: MessageStatus;
  /** The messages it counts, in offset order (redeliveries and resent messages left out). */
  counted: CountedMessage[];
  /** The partition (`topic/partition`) of the batch, and its last offset for this document. */
  partition: string;
  throughOffset: number;
}

/**
 * The document after the change, decided in memory from the one read: counts add up, the first
 * and last times widen (messages arrive out of order), and the last message is the newest sent.
 * Undefined when the change counts nothing and the document already exists: only its offset
 * would move, and a later record moves it anyway.
 */
export function foldActivity(
  current: IdentityActivity | undefined,
  change: ActivityChange,
): IdentityActivity | undefined {
  if (change.counted.length === 0) {
    return undefined;
  }
  let next: IdentityActivity = current
    ? { ...current, contactId: change.contactId }
    : {
        _id: change._id,
        tenantId: change.tenantId,
        contactId: change.contactId,
        status: change.status,
        count: 0,
        firstSeenAt: change.counted[0].sentAt,
        lastMessageAt: change.counted[0].sentAt,
        lastMessage: change.counted[0].view,
        appliedAt: change.partition,
        appliedOffset: -1,
      };
  for (const message of change.counted) {
    const newest = message.sentAt >= new Date(next.lastMessageAt);
    next = {
      ...next,
      count: next.count + 1,
      firstSeenAt: message.sentAt < new Date(next.firstSeenAt) ? message.sentAt : next.firstSeenAt,
      lastMessageAt: newest ? message.sentAt : next.lastMessageAt,
      lastMessage: newest ? message.view : next.lastMessage,
    };
  }
  return { ...next, appliedAt: change.partition, appliedOffset: change.throughOffset };
}
