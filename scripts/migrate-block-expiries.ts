import type { Db } from 'mongodb';

/**
 * Marks the temporary blocks written before `blockExpires` existed (a block with an end), so
 * that the block-expiry sweeper, which narrows its query by that field, finds them. Run with the
 * contacts service stopped (every contact has one writer); safe to run again. Returns how many
 * contacts it marked.
 */
export async function migrateBlockExpiries(db: Db): Promise<number> {
  const { modifiedCount } = await db
    .collection('contacts')
    .updateMany(
      { 'block.blocked': true, 'block.until': { $exists: true }, blockExpires: { $exists: false } },
      { $set: { blockExpires: true } },
    );
  return modifiedCount;
}
