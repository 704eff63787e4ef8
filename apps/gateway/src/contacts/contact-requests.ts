import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  BLOCK_REASON_MAX_LENGTH,
  CONTACT_ID_PATTERN,
  ContactIdentityFields,
  ContactProfileFields,
  NOTE_BODY_MAX_LENGTH,
  NOTE_ID_PATTERN,
} from '@switchboard/contracts';

export class CreateContactRequest extends ContactIdentityFields {
  /**
   * The contact's id, when the caller has one; otherwise it is derived from the first
   * identity, so creating the same customer twice yields the same contact.
   */
  @ApiPropertyOptional({ pattern: CONTACT_ID_PATTERN.source })
  @IsOptional()
  @Matches(CONTACT_ID_PATTERN)
  contactId?: string;
}

export class ContactIdParams {
  @ApiProperty({ pattern: CONTACT_ID_PATTERN.source })
  @Matches(CONTACT_ID_PATTERN, { message: `id must match ${CONTACT_ID_PATTERN.source}` })
  id: string;
}

export class BlockContactRequest {
  /** Why the customer is blocked; shown to agents in the contact's details and activity. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(BLOCK_REASON_MAX_LENGTH)
  reason?: string;
}

export const LIST_LIMIT_MAX = 200;

export class PageQuery {
  /** Opaque cursor from the previous page's `nextCursor`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIST_LIMIT_MAX)
  limit?: number;
}

export class ListContactsQuery extends PageQuery {
  /** Only blocked (`true`) or only not blocked (`false`) contacts. */
  @IsOptional()
  @IsIn(['true', 'false'])
  blocked?: 'true' | 'false';
}

/** Profile fields to change; `null` clears a field; attributes merge and a `null` value removes a key. */
export class UpdateContactRequest extends ContactProfileFields {}

export class NoteRequest {
  /** 1-10,000 characters, stored and returned as given (escape it when rendering). */
  @IsString()
  @MinLength(1)
  @MaxLength(NOTE_BODY_MAX_LENGTH)
  body: string;
}

export class NoteParams extends ContactIdParams {
  @ApiProperty({ pattern: NOTE_ID_PATTERN.source })
  @Matches(NOTE_ID_PATTERN, { message: `noteId must match ${NOTE_ID_PATTERN.source}` })
  noteId: string;
}
