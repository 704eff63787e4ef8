import type { Contact } from './contact.schema';

/** How a change moves each tag's usage count: +1 for a tag added, -1 for a tag removed. */
export function tagUsageDeltas(before: Contact | null, after: Contact): Map<string, number> {
  const deltas = new Map<string, number>();
  const had = new Set(before?.tagIds ?? []);
  const has = new Set(after.tagIds ?? []);
  for (const tagId of has) {
    if (!had.has(tagId)) {
      deltas.set(tagId, 1);
    }
  }
  for (const tagId of had) {
    if (!has.has(tagId)) {
      deltas.set(tagId, -1);
    }
  }
  return deltas;
}
