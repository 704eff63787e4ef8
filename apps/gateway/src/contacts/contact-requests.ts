import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  CONTACT_ID_PATTERN,
  ContactIdentityFields,
  ContactProfileFields,
  HasMentionsAtMost,
  IsAbsentOr,
  MENTIONS_PER_NOTE_MAX,
  NOTE_BODY_MAX_LENGTH,
  NOTE_ID_PATTERN,
  SEGMENT_ID_PATTERN,
  SegmentDefinition,
} from '@switchboard/contracts';
import { fieldOf, type AddressesOf } from '../settings/sent-addresses';
import { IsNotCombinedWith } from './not-combined-with';

export class CreateContactRequest extends ContactIdentityFields {
  /**
   * The contact's id, when the caller has one; otherwise it is derived from the first
   * identity, so creating the same customer twice yields the same contact.
   */
  @ApiPropertyOptional({ pattern: CONTACT_ID_PATTERN.source })
  @IsAbsentOr()
  @Matches(CONTACT_ID_PATTERN)
  contactId?: string;
}

/** The addresses a contact create body carries: its identities. */
export const createContactAddresses: AddressesOf = (body) => {
  const identities = fieldOf(body, 'identities');
  return Array.isArray(identities)
    ? identities.map((identity) => ({
        channel: fieldOf(identity, 'channel'),
        address: fieldOf(identity, 'address'),
      }))
    : [];
};

export class ContactIdParams {
  @ApiProperty({ pattern: CONTACT_ID_PATTERN.source })
  @Matches(CONTACT_ID_PATTERN, { message: `id must match ${CONTACT_ID_PATTERN.source}` })
  id: string;
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

/** A page of a contact's messages: after a `cursor`, or starting before a time. */
export class MessagePageQuery extends PageQuery {
  /** Only messages sent before this time (ISO 8601), when no `cursor` is given. */
  @IsOptional()
  @IsISO8601({ strict: true })
  before?: string;
}

/**
 * A query parameter given once arrives as a string, repeated as an array: tag names as a
 * list either way, trimmed like the segment definition's own.
 */
function toTagNameList({ value }: { value: unknown }): unknown {
  if (value === undefined) {
    return undefined;
  }
  return (Array.isArray(value) ? value : [value]).map((name: unknown) =>
    typeof name === 'string' ? name.trim() : name,
  );
}

const TAG_FILTERS = ['all', 'any', 'none'] as const;

/** The tag filters of a segment definition, as repeated query parameters, with its limits. */
class TagFiltersQuery extends PickType(SegmentDefinition, TAG_FILTERS) {}

export class ListContactsQuery extends IntersectionType(PageQuery, TagFiltersQuery) {
  /** Only blocked (`true`) or only not blocked (`false`) contacts. */
  @IsOptional()
  @IsIn(['true', 'false'])
  blocked?: 'true' | 'false';

  /** Only the contacts of this saved segment; not together with `all`, `any` or `none`. */
  @ApiPropertyOptional({ pattern: SEGMENT_ID_PATTERN.source })
  @IsOptional()
  @Matches(SEGMENT_ID_PATTERN, { message: `segmentId must match ${SEGMENT_ID_PATTERN.source}` })
  @IsNotCombinedWith(TAG_FILTERS)
  segmentId?: string;

  /** Only contacts carrying every one of these tags: `all=vip&all=gold`. */
  @Transform(toTagNameList)
  override all?: string[];

  /** Only contacts carrying at least one of these tags. */
  @Transform(toTagNameList)
  override any?: string[];

  /** Only contacts carrying none of these tags. */
  @Transform(toTagNameList)
  override none?: string[];
}

/** Profile fields to change; `null` clears a field; attributes merge and a `null` value removes a key. */
export class UpdateContactRequest extends ContactProfileFields {}

export class NoteRequest {
  /**
   * 1-10,000 characters, stored and returned as given (escape it when rendering). `@agent-id`
   * mentions an agent (an actor id after an `@` that follows no letter, digit or `_.@-`; trailing
   * dots are not part of it), at most 20 distinct agents: each newly mentioned agent but the
   * writer gets one `NoteMentioned` event on `contacts.events`.
   */
  @IsString()
  @MinLength(1)
  @MaxLength(NOTE_BODY_MAX_LENGTH)
  @HasMentionsAtMost(MENTIONS_PER_NOTE_MAX)
  body: string;
}

export class NoteParams extends ContactIdParams {
  @ApiProperty({ pattern: NOTE_ID_PATTERN.source })
  @Matches(NOTE_ID_PATTERN, { message: `noteId must match ${NOTE_ID_PATTERN.source}` })
  noteId: string;
}
