import type { IdentityActivity } from './identity-activity.schema';
import type { MessageView } from './stored-message.schema';

/** A contact's messages over all its identities: what the contact view and the inbox show. */
export interface ContactActivity {
  counters: { accepted: number; blocked: number };
  firstSeenAt: Date;
  lastMessageAt: Date;
  /** The newest delivered message, or the newest one when none was delivered. */
  lastMessage: MessageView;
}

/** Sums the activity documents of one contact's identities; null when it never wrote. */
export function contactActivityOf(documents: readonly IdentityActivity[]): ContactActivity | null {
  if (documents.length === 0) {
    return null;
  }
  const counters = { accepted: 0, blocked: 0 };
  let firstSeenAt = documents[0].firstSeenAt;
  let lastMessageAt = documents[0].lastMessageAt;
  let lastDelivered: IdentityActivity | undefined;
  let last = documents[0];
  for (const document of documents) {
    counters[document.status] += document.count;
    firstSeenAt = earlier(firstSeenAt, document.firstSeenAt);
    lastMessageAt = later(lastMessageAt, document.lastMessageAt);
    if (new Date(document.lastMessageAt) > new Date(last.lastMessageAt)) {
      last = document;
    }
    if (
      document.status === 'accepted' &&
      (!lastDelivered || new Date(document.lastMessageAt) > new Date(lastDelivered.lastMessageAt))
    ) {
      lastDelivered = document;
    }
  }
  return {
    counters,
    firstSeenAt: new Date(firstSeenAt),
    lastMessageAt: new Date(lastMessageAt),
    lastMessage: (lastDelivered ?? last).lastMessage,
  };
}

function earlier(a: Date, b: Date): Date {
  return new Date(a) <= new Date(b) ? a : b;
}

function later(a: Date, b: Date): Date {
  return new Date(a) >= new Date(b) ? a : b;
}
