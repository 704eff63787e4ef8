import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ContactIdentityFields, ContactProfileFields } from '../contact-fields';
import { HasMentionsAtMost, MENTIONS_PER_NOTE_MAX } from '../notes/mentions';
import { IsTagNames } from '../tags/tag-name';

/** Create a contact, or update the one that already owns one of these identities. */
export class CreateContactPayload extends ContactIdentityFields {}

export const BLOCK_REASON_MAX_LENGTH = 500;

export class BlockContactPayload {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(BLOCK_REASON_MAX_LENGTH)
  reason?: string;
}

export class UnblockContactPayload {
  /** Why the customer may write again; recorded with the unblock. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(BLOCK_REASON_MAX_LENGTH)
  reason?: string;
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
