import type { ErrorCode, FieldError } from '@switchboard/contracts';

/** An error the API reports to its caller; the problem filter turns it into problem+json. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fieldErrors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}
