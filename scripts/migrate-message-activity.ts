/**
 * Carries message counters and history kept by earlier versions (`contact_messages`, one
 * document per contact with its last 50 messages) over to the message ingest's collections:
 * `messages` (one document per message) and `identity_activity` (per sender identity and
 * status). Run it once before starting the contacts service of this version; it is safe to run
 * again (each contact's old document is removed once carried over, and every write is keyed).
 *
 *   npm run migrate (scripts/migrate.ts)
 */
import type { Db } from 'mongodb';
import { identityKey } from '@switchboard/contracts';
import { identityActivityId } from '../apps/contacts/src/messages/identity-activity.schema';
import { duplicateKeyPositions } from '../apps/contacts/src/store/duplicate-key';

interface OldMessage {
  messageId: string;
  channel: string;
  from: string;
  type: string;
  content: Record<string, unknown>;
  sentAt: string;
  status: 'accepted' | 'blocked';
}

interface OldActivity {
  _id: string;
  tenantId: string;
  contactId: string;
  counters: { accepted: number; blocked: number };
  recentMessages: OldMessage[];
  lastMessageAt: Date;
  firstSeenAt: Date;
}

/** Where carried-over activity says it is current to: no partition, so every record counts. */
export const MIGRATED_POSITION = 'migrated';

/** Carries every old document over; returns how many contacts it carried. */
export async function migrateMessageActivity(db: Db): Promise<number> {
  const old = db.collection<OldActivity>('contact_messages');
  const contacts = db.collection<{ _id: string; identities?: { channel: string; address: string }[] }>(
    'contacts',
  );
  let carried = 0;
  for await (const doc of old.find({})) {
    const contact = await contacts.findOne({ _id: doc._id });
    const recent = doc.recentMessages ?? [];
    if (recent.length > 0) {
      await insertIgnoringDuplicates(
        db,
        'messages',
        recent.map((message) => ({
          _id: `${doc.tenantId}:${message.messageId}`,
          tenantId: doc.tenantId,
          identity: `${message.channel}|${message.from}`,
          messageId: message.messageId,
          channel: message.channel,
          from: message.from,
          type: message.type,
          content: message.content,
          sentAt: new Date(message.sentAt),
          status: message.status,
          source: MIGRATED_POSITION,
        })),
      );
    }
    const activity = [];
    for (const status of ['accepted', 'blocked'] as const) {
      const count = doc.counters?.[status] ?? 0;
      if (count === 0) {
        continue;
      }
      // The old counters were per contact: they go to the identity that sent the newest of
      // them (or the contact's first identity), the one the contact is reached on.
      const last = [...recent].reverse().find((message) => message.status === status);
      const sender = last ? { channel: last.channel, address: last.from } : contact?.identities?.[0];
      if (!sender) {
        continue;
      }
      const lastMessage = last ?? { ...recent[recent.length - 1], status };
      activity.push({
        _id: identityActivityId(identityKey(doc.tenantId, sender.channel, sender.address), status),
        tenantId: doc.tenantId,
        contactId: doc.contactId,
        status,
        count,
        firstSeenAt: doc.firstSeenAt,
        lastMessageAt: last ? new Date(last.sentAt) : doc.lastMessageAt,
        lastMessage: {
          ...lastMessage,
          sentAt: new Date(lastMessage.sentAt ?? doc.lastMessageAt).toISOString(),
        },
        appliedAt: MIGRATED_POSITION,
        appliedOffset: -1,
      });
    }
    await insertIgnoringDuplicates(db, 'identity_activity', activity);
    await old.deleteOne({ _id: doc._id });
    carried++;
  }
  return carried;
}

/** Inserts documents; one already there (an earlier run) is left as it is. */
async function insertIgnoringDuplicates(
  db: Db,
  collection: string,
  documents: { _id: string }[],
): Promise<void> {
  if (documents.length === 0) {
    return;
  }
  try {
    await db.collection<{ _id: string }>(collection).insertMany(documents, { ordered: false });
  } catch (error) {
    if (!duplicateKeyPositions(error)) {
      throw error;
    }
  }
}
