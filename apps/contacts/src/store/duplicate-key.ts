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

/**
 * The positions of the documents an unordered `insertMany` refused as duplicates, or null
 * when it failed otherwise (any other refusal, or no per-document errors at all).
 */
export function duplicateKeyPositions(error: unknown): number[] | null {
  const writeErrors = (error as { writeErrors?: unknown } | undefined)?.writeErrors;
  const failures = (
    Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []
  ) as WriteFailure[];
  if (failures.length === 0 || !failures.every((failure) => isDuplicateKeyError(serverErrorOf(failure)))) {
    return null;
  }
  return failures.map((failure) => failure.index);
}

/** The driver's WriteError (`code`, `errmsg`), or the copy mongoose makes of it (`err`). */
interface WriteFailure {
  index: number;
  code?: unknown;
  errmsg?: unknown;
  err?: { code?: unknown; errmsg?: unknown };
}

function serverErrorOf(failure: WriteFailure): { code?: unknown; message?: unknown } {
  const source = failure.code !== undefined ? failure : (failure.err ?? {});
  return { code: source.code, message: source.errmsg };
}
