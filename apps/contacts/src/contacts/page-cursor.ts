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
