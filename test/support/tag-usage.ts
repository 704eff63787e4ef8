import type { Db } from 'mongodb';

/** A catalog tag as stored, with its usage as the service counts it. */
export interface TagWithUsage {
  tagId: string;
  name: string;
  nameKey: string;
  usage: number;
  mergedInto?: string;
  deletedAt?: Date;
}

/**
 * The tenant's stored catalog, each tag's `usage` the sum the service reports: the count kept on
 * the tag before usage shares existed plus its shares, one per partition of `contacts.commands`.
 */
export async function catalogWithUsage(db: Db, tenantId: string): Promise<TagWithUsage[]> {
  const [tags, shares] = await Promise.all([
    db.collection<Omit<TagWithUsage, 'usage'> & { usage?: number }>('tags').find({ tenantId }).toArray(),
    db.collection<{ tagId: string; count: number }>('tag_usage').find({ tenantId }).toArray(),
  ]);
  return tags.map((tag) => ({
    ...tag,
    usage:
      (tag.usage ?? 0) +
      shares.filter((share) => share.tagId === tag.tagId).reduce((sum, share) => sum + share.count, 0),
  }));
}
