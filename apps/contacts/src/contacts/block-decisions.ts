import {
  BLOCK_DURATION_MAX_SECONDS,
  type Actor,
  type BlockContactPayload,
  type BlockPolicy,
  type ContactCommandOf,
} from '@switchboard/contracts';
import type { ContactBlock, Contact } from './contact.schema';
import type { Decision } from './contact-decisions';

/** A block as a command or a bulk job asks for it. */
export interface RequestedBlock {
  blockedBy: string;
  reason?: string;
  until?: Date;
}

const unchanged = (eventType: 'ContactBlocked' | 'ContactUnblocked'): Decision => ({
  kind: 'apply',
  eventType,
  changes: {},
  changed: false,
});

const notFound = (contactId: string): Decision => ({
  kind: 'rejected',
  code: 'contact-not-found',
  reason: `contact ${contactId} does not exist`,
});

/**
 * When a requested block ends: `durationSeconds` counts from `now`, when the command is
 * applied. A string when the expiry is not acceptable (past, or too far ahead).
 */
export function blockExpiry(
  payload: Pick<BlockContactPayload, 'durationSeconds' | 'until'>,
  now: Date,
): Date | undefined | string {
  if (payload.durationSeconds !== undefined) {
    return new Date(now.getTime() + payload.durationSeconds * 1000);
  }
  if (payload.until === undefined) {
    return undefined;
  }
  const until = new Date(payload.until);
  if (!Number.isFinite(until.getTime())) {
    return `until is not a time: ${payload.until}`;
  }
  if (until.getTime() <= now.getTime()) {
    return `until must be in the future (it is ${payload.until}, now is ${now.toISOString()})`;
  }
  if (until.getTime() - now.getTime() > BLOCK_DURATION_MAX_SECONDS * 1000) {
    return `until may be at most ${BLOCK_DURATION_MAX_SECONDS / 86_400} days ahead`;
  }
  return until;
}

const sameTime = (left?: Date, right?: Date) =>
  (left === undefined ? undefined : new Date(left).getTime()) ===
  (right === undefined ? undefined : new Date(right).getTime());

/**
 * Whether a block still holds: a temporary block whose end has passed is over, even before the
 * sweeper records its unblock (a new block then replaces it instead of being lost with it).
 */
export function isInForce(block: ContactBlock | undefined, now: Date): block is ContactBlock {
  return (
    block?.blocked === true && (block.until === undefined || new Date(block.until).getTime() > now.getTime())
  );
}

/**
 * Blocks the contact. A blocked contact stays as it is when the request has the same expiry
 * (blocking twice is a no-op) or when `keepExisting` (bulk blocking leaves existing blocks
 * alone); otherwise the request replaces its block, so a new expiry (or none) takes over.
 */
export function decideBlockRequest(
  current: Contact | null,
  contactId: string,
  requested: RequestedBlock,
  now: Date,
  { keepExisting = false }: { keepExisting?: boolean } = {},
): Decision {
  if (!current) {
    return notFound(contactId);
  }
  if (requested.until !== undefined && requested.until.getTime() <= now.getTime()) {
    return { kind: 'rejected', code: 'validation-failed', reason: 'the block would already have ended' };
  }
  if (isInForce(current.block, now) && (keepExisting || sameTime(current.block.until, requested.until))) {
    return unchanged('ContactBlocked');
  }
  const block: ContactBlock = {
    blocked: true,
    blockedAt: now,
    blockedBy: requested.blockedBy,
    ...(requested.reason !== undefined && { reason: requested.reason }),
    ...(requested.until !== undefined && { until: requested.until }),
  };
  return { kind: 'apply', eventType: 'ContactBlocked', changed: true, changes: { block } };
}

/** Blocks the contact, for good or until an expiry (see `decideBlockRequest`). */
export function decideBlock(
  command: ContactCommandOf<'contact.block'>,
  current: Contact | null,
  now: Date,
): Decision {
  const until = blockExpiry(command.payload, now);
  if (typeof until === 'string') {
    return { kind: 'rejected', code: 'validation-failed', reason: until };
  }
  return decideBlockRequest(
    current,
    command.contactId,
    { blockedBy: command.actor.id, reason: command.payload.reason, until },
    now,
  );
}

/** Unblocks a blocked contact (bulk unblocking; `contact.unblock` has `decideUnblock`). */
export function decideUnblockRequest(current: Contact | null, contactId: string): Decision {
  if (!current) {
    return notFound(contactId);
  }
  return current.block?.blocked
    ? { kind: 'apply', eventType: 'ContactUnblocked', changed: true, changes: { block: { blocked: false } } }
    : unchanged('ContactUnblocked');
}

/** The temporary block a scheduled expiry is about: the sweeper saw it due. */
export interface ScheduledExpiry {
  blockedAt: Date;
  until: Date;
}

/**
 * The automatic unblock of a temporary block that ended. Changes nothing unless the contact
 * still holds exactly that block and it has ended: a contact re-blocked or unblocked by hand
 * since the sweeper looked is left as it is.
 */
export function decideBlockExpiry(current: Contact | null, scheduled: ScheduledExpiry, now: Date): Decision {
  const block = current?.block;
  const stillThatBlock =
    block?.blocked === true &&
    block.until !== undefined &&
    sameTime(block.until, scheduled.until) &&
    sameTime(block.blockedAt, scheduled.blockedAt);
  if (!stillThatBlock || new Date(block.until!).getTime() > now.getTime()) {
    return unchanged('ContactUnblocked');
  }
  return {
    kind: 'apply',
    eventType: 'ContactUnblocked',
    changed: true,
    changes: { block: { blocked: false } },
  };
}

/** Why the tenant's block policy refuses this actor's block or unblock; undefined when it allows it. */
export function blockPolicyRefusal(
  policy: BlockPolicy,
  actor: Actor,
  action: 'block' | 'unblock',
  reason: string | undefined,
): { kind: 'rejected'; code: string; reason: string } | undefined {
  const permitted = policy.whoMayBlock === 'admins' ? actor.role === 'admin' : actor.role !== 'viewer';
  if (!permitted) {
    return {
      kind: 'rejected',
      code: 'block-not-permitted',
      reason: `the tenant's block policy lets only ${policy.whoMayBlock} ${action} contacts; ${actor.id} is ${actor.role === 'viewer' ? 'a' : 'an'} ${actor.role}`,
    };
  }
  if (policy.reasonRequired && (reason === undefined || reason.trim() === '')) {
    return {
      kind: 'rejected',
      code: 'block-reason-required',
      reason: `the tenant's block policy requires a reason to ${action} a contact`,
    };
  }
  return undefined;
}
