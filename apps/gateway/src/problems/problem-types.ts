import type { ErrorCode } from '@switchboard/contracts';

export const PROBLEM_TYPE_BASE = 'https://switchboard.dev/problems/';

/** HTTP status and title of every error code: the one table the gateway answers from. */
export const problemTypes: Record<ErrorCode, { status: number; title: string }> = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be application/json' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'This role may not do that' },
  'webhook-verification-failed': {
    status: 403,
    title: "The webhook verification does not match the tenant's verify token",
  },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'This path does not take that method' },
  'contact-not-found': { status: 404, title: 'The contact does not exist' },
  'identity-conflict': { status: 409, title: 'An identity belongs to another contact' },
  'too-many-tags': { status: 422, title: 'The contact would carry more tags than allowed' },
  'note-not-found': { status: 404, title: 'The note does not exist' },
  'not-note-author': { status: 403, title: 'Only the author or an admin may change this note' },
  'too-many-pinned-notes': { status: 422, title: 'The contact would have more pinned notes than allowed' },
  'tag-not-found': { status: 404, title: 'The tag does not exist' },
  'tag-name-taken': { status: 409, title: 'Another tag of the catalog has that name' },
  'merge-target-not-found': { status: 422, title: 'The tag to merge into does not exist' },
  'segment-not-found': { status: 404, title: 'The segment does not exist' },
  'segment-name-taken': { status: 409, title: 'Another saved segment has that name' },
  'campaign-not-found': { status: 404, title: 'The campaign does not exist' },
  'job-not-found': { status: 404, title: 'The job does not exist' },
  'block-not-permitted': {
    status: 403,
    title: "The tenant's block policy does not let this role block or unblock",
  },
  'block-reason-required': { status: 403, title: "The tenant's block policy requires a reason" },
  'command-not-found': {
    status: 404,
    title: 'No command with this id was accepted for the tenant (or its outcome has expired)',
  },
  'command-failed': {
    status: 500,
    title: 'The command failed on every attempt and was set aside (dead-lettered) unapplied',
  },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'dependency-unavailable': { status: 503, title: 'A service this call needs is unavailable' },
  'internal-error': { status: 500, title: 'Internal error' },
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(problemTypes, code);
}
