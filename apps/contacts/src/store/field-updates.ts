import { isDeepStrictEqual } from 'node:util';

/** The `$set` and `$unset` of one update, by dotted path. */
export interface FieldUpdates {
  $set: Record<string, unknown>;
  $unset: Record<string, 1>;
}

/**
 * Turns new values of a document's fields into an update that writes only the paths that
 * changed. A field set to `undefined` is removed.
 *
 * Why paths, never a whole embedded document: FerretDB 1.24 skips a `$set` whose new embedded
 * document (or array of them) holds the same values in the same order as the stored one under
 * other keys. `{attributes: {plan: 'free'}}` set to `{attributes: {nick: 'free'}}` answers
 * "modified" and stores nothing. Paths sidestep it, and on MongoDB they are the same update.
 * Keys of stored documents are identifier-shaped (no `.`, no leading `$`), so every key is a path.
 */
export function fieldUpdates(current: object, changes: object): FieldUpdates {
  const updates: FieldUpdates = { $set: {}, $unset: {} };
  const stored = current as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) {
    addPath(updates, field, stored[field], value);
  }
  return updates;
}

function addPath(updates: FieldUpdates, path: string, before: unknown, after: unknown): void {
  if (after === undefined) {
    if (before !== undefined) {
      updates.$unset[path] = 1;
    }
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) {
        updates.$unset[pathOf(path, key)] = 1;
      }
    }
    for (const [key, value] of Object.entries(after)) {
      addPath(updates, pathOf(path, key), before[key], value);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    after.forEach((value, index) => addPath(updates, `${path}.${index}`, before[index], value));
    return;
  }
  if (!isDeepStrictEqual(before, after)) {
    updates.$set[path] = after;
  }
}

function pathOf(path: string, key: string): string {
  if (key.includes('.') || key.startsWith('$') || key.length === 0) {
    throw new Error(`a stored key must be a plain name, not "${key}" (under ${path})`);
  }
  return `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
