import type { Model } from 'mongoose';

/**
 * The documents of `ids` that exist, by `_id`, read one exact `_id` lookup each, in parallel
 * (the driver's pool bounds how many are in flight). FerretDB 1.24 narrows a query in
 * PostgreSQL only by equality: `{_id: {$in: ids}}` reads the whole collection, for every tenant.
 */
export async function findExactly<T extends { _id: string }>(
  model: Model<T>,
  ids: readonly string[],
  projection?: Record<string, 1>,
): Promise<Map<string, T>> {
  const found = await Promise.all(
    [...new Set(ids)].map((id) => model.findById(id, projection).lean<T>().exec()),
  );
  return new Map(
    found.filter((doc): doc is NonNullable<typeof doc> => doc !== null).map((doc) => [doc._id, doc as T]),
  );
}
