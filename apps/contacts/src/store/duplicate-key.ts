/**
 * MongoDB's (and FerretDB's) error for a write whose `_id` or unique key is taken: code 11000.
 * FerretDB 1.24 answers an *update* that breaks a unique index with `InternalError` (code 1)
 * carrying PostgreSQL's unique_violation (SQLSTATE 23505) instead.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 11000) {
    return true;
  }
  return code === 1 && typeof message === 'string' && message.includes('(SQLSTATE 23505)');
}
