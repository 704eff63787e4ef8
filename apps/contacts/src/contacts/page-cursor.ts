/** Opaque cursor of a newest-first page: the time and id of the last item shown. */
export interface PageCursor {
  at: Date;
  id: string;
}

export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([new Date(at).toISOString(), id])).toString('base64url');
}

/** The cursor's position, or undefined for a missing or unreadable cursor (the first page). */
export function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (!cursor) {
    return undefined;
  }
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(at);
    return typeof id === 'string' && !Number.isNaN(date.getTime()) ? { at: date, id } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The filter for the items after `cursor` in newest-first order by `timeField`, ties broken by
 * `idField` descending: exact keyset pagination, in the query itself.
 */
export function olderThan(cursor: PageCursor | undefined, timeField: string, idField: string): object {
  if (!cursor) {
    return {};
  }
  return {
    $or: [{ [timeField]: { $lt: cursor.at } }, { [timeField]: cursor.at, [idField]: { $lt: cursor.id } }],
  };
}
