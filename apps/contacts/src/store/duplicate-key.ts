/** MongoDB's (and FerretDB's) error for an insert whose `_id` or unique key is taken. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}
