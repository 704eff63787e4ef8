import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsISO8601,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { ContactIdentityFields, ContactProfileFields } from '../contact-fields';
import { JOB_ID_PATTERN } from '../jobs/job-view';
import { HasMentionsAtMost, MENTIONS_PER_NOTE_MAX } from '../notes/mentions';
import { IsAbsentOr, IsTagNames } from '../tags/tag-name';

/** Create a contact, or update the one that already owns one of these identities. */
export class CreateContactPayload extends ContactIdentityFields {}

export const BLOCK_REASON_MAX_LENGTH = 500;
/** A temporary block lasts at least a minute... */
export const BLOCK_DURATION_MIN_SECONDS = 60;
/** ...and at most 366 days; `until` may lie at most that far ahead. */
export const BLOCK_DURATION_MAX_SECONDS = 366 * 24 * 60 * 60;

/** The property may not be given together with `other` (they say the same thing two ways). */
export function IsNotGivenWith(other: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isNotGivenWith',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return value === undefined || (args.object as Record<string, unknown>)[other] === undefined;
        },
        defaultMessage(args: ValidationArguments) {
          return `give ${args.property} or ${other}, not both`;
        },
      },
    });
}

/** Why a customer is blocked or unblocked: 1-500 characters (not null), optional unless the tenant's policy requires it. */
export const IsBlockReason = () =>
  applyDecorators(
    ApiPropertyOptional({ minLength: 1, maxLength: BLOCK_REASON_MAX_LENGTH }),
    IsAbsentOr(),
    IsString(),
    MinLength(1),
    MaxLength(BLOCK_REASON_MAX_LENGTH),
  );

/** How long a temporary block lasts, in whole seconds; not together with `until`. */
export const IsBlockDuration = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: BLOCK_DURATION_MIN_SECONDS,
      maximum: BLOCK_DURATION_MAX_SECONDS,
    }),
    IsAbsentOr(),
    IsNotGivenWith('until'),
    IsInt(),
    Min(BLOCK_DURATION_MIN_SECONDS),
    Max(BLOCK_DURATION_MAX_SECONDS),
  );

/**
 * When a temporary block ends (ISO 8601 with a zone); not together with `durationSeconds`.
 * Whether it lies in the future is decided when the command is applied (a command may be
 * read late); the gateway also refuses a past one up front.
 */
/** A block's end: a date and time with its zone (`Z` or `±hh:mm`), so every host reads one instant. */
export const BLOCK_UNTIL_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

export const IsBlockUntil = () =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', pattern: BLOCK_UNTIL_PATTERN.source }),
    IsAbsentOr(),
    IsNotGivenWith('durationSeconds'),
    IsISO8601({ strict: true, strictSeparator: true }),
    Matches(BLOCK_UNTIL_PATTERN, {
      message: 'until must be a date and time with its zone, like 2027-03-01T09:00:00Z',
    }),
  );

/**
 * Blocks the contact: for good, or until `until` / for `durationSeconds` (then the contacts
 * service unblocks it by itself, and every message filter lets it through from that instant).
 * Blocking a blocked contact again with another expiry replaces its block.
 */
export class BlockContactPayload {
  @IsBlockReason()
  reason?: string;

  @IsBlockDuration()
  durationSeconds?: number;

  @IsBlockUntil()
  until?: string;
}

export class UnblockContactPayload {
  /** Why the customer may write again; recorded with the unblock (`expired` for an automatic one). */
  @IsBlockReason()
  reason?: string;
}

/**
 * One contact's step of a background job (a catalog rename, deletion or merge, bulk tagging or
 * blocking): the contacts service sends it to itself, on the contact's partition, so that the
 * contact's one writer applies it. Its `commandId` is the step's id (derived from the tenant,
 * the job and the contact); what it does follows from the job.
 */
export class JobStepPayload {
  @Matches(JOB_ID_PATTERN)
  jobId: string;
}

/**
 * The automatic unblock of a temporary block that ended, sent by the contacts service to itself
 * on the contact's partition. It applies only while the contact still has that block (the same
 * start and end); its `commandId` is derived from the tenant, the contact and the block.
 */
export class BlockExpiryPayload {
  @IsISO8601({ strict: true })
  blockedAt: string;

  @IsISO8601({ strict: true })
  until: string;
}

/**
 * Changes profile fields: given fields replace the stored ones, `null` clears one;
 * `attributes` are merged key by key and a `null` value removes the key.
 */
export class UpdateContactPayload extends ContactProfileFields {}

export const NOTE_BODY_MAX_LENGTH = 10_000;
export const NOTE_ID_PATTERN = /^n_[A-Za-z0-9_-]{1,64}$/;

export class AddNotePayload {
  @Matches(NOTE_ID_PATTERN)
  noteId: string;

  /**
   * Stored and returned exactly as given; escape it when rendering. `@agent-id` mentions an
   * agent (see `mentionedActorIds`), at most 20 distinct ones.
   */
  @IsString()
  @MinLength(1)
  @MaxLength(NOTE_BODY_MAX_LENGTH)
  @HasMentionsAtMost(MENTIONS_PER_NOTE_MAX)
  body: string;
}

export class EditNotePayload extends AddNotePayload {}

export class DeleteNotePayload {
  @Matches(NOTE_ID_PATTERN)
  noteId: string;
}

/** Pinned notes a contact may have at once. */
export const PINNED_NOTES_PER_CONTACT_MAX = 10;

/** Pins a note: it comes first in the contact's notes. Agents and admins, any note. */
export class PinNotePayload {
  @Matches(NOTE_ID_PATTERN)
  noteId: string;
}

export class UnpinNotePayload extends PinNotePayload {}

/** Tags one call may add or remove. */
export const TAGS_PER_CALL_MAX = 50;
/** Tags one contact may carry. */
export const TAGS_PER_CONTACT_MAX = 100;

/** Tag names: trimmed, 1-64 characters, no control characters; unique per tenant case-insensitively. */
export class TagNamesPayload {
  @IsTagNames(1, TAGS_PER_CALL_MAX)
  tags: string[];
}

export class TagContactPayload extends TagNamesPayload {}
export class UntagContactPayload extends TagNamesPayload {}
