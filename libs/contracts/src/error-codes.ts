/**
 * Stable error codes: carried by `CommandRejected` events and by HTTP problem documents
 * (as the last segment of `type`). Clients branch on these, never on messages.
 */
export const ErrorCodes = [
  'validation-failed',
  'malformed-json',
  'payload-too-large',
  'unsupported-media-type',
  'unauthenticated',
  'forbidden',
  'webhook-verification-failed',
  'not-found',
  'method-not-allowed',
  'contact-not-found',
  'identity-conflict',
  'note-not-found',
  'too-many-tags',
  'not-note-author',
  'too-many-pinned-notes',
  'tag-not-found',
  'tag-name-taken',
  'merge-target-not-found',
  'segment-not-found',
  'segment-name-taken',
  'campaign-not-found',
  'job-not-found',
  'block-not-permitted',
  'block-reason-required',
  'command-not-found',
  'command-failed',
  'rate-limited',
  'dependency-unavailable',
  'internal-error',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];
