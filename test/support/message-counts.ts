import type { Db } from 'mongodb';

/**
 * A tenant's stored messages against its senders' counters: how many messages are stored, each
 * sender's count as the contacts service keeps it (`identity_activity`, by its `_id`), and the
 * same counts recounted from the stored messages.
 */
export async function countsAndRecount(
  db: Db,
  tenantId: string,
): Promise<{ stored: number; counted: Map<string, number>; recount: Map<string, number> }> {
  const messages = await db
    .collection<{ identity: string; status: string }>('messages')
    .find({ tenantId }, { projection: { identity: 1, status: 1 } })
    .toArray();
  const recount = new Map<string, number>();
  for (const message of messages) {
    const id = `${tenantId}|${message.identity}|${message.status}`;
    recount.set(id, (recount.get(id) ?? 0) + 1);
  }
  const activity = await db
    .collection<{ _id: string; count: number }>('identity_activity')
    .find({ tenantId })
    .toArray();
  return { stored: messages.length, counted: new Map(activity.map((doc) => [doc._id, doc.count])), recount };
}
