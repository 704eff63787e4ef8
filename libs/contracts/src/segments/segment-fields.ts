import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ATTRIBUTE_KEY_RULE, ATTRIBUTE_STRING_MAX_LENGTH, IsAttributeMap } from '../contact-fields';
import { ContactView } from '../contact-view';
import { IsAbsentOr, IsTagNames } from '../tags/tag-name';
import { IsSegmentExpression, SegmentCondition } from './segment-expression-fields';

/** Tags one segment expression may name in each of `all`, `any` and `none`. */
export const SEGMENT_TAGS_MAX = 20;
/** Attribute equality filters one segment may have. */
export const SEGMENT_ATTRIBUTES_MAX = 10;
export const SEGMENT_ID_PATTERN = /^s_[A-Za-z0-9_-]{1,64}$/;

export type SegmentAttributeValue = string | number | boolean;

/**
 * Which contacts a segment holds: those carrying every tag of `all`, at least one of `any`
 * (when given) and none of `none` (names match the catalog case-insensitively), optionally
 * only blocked or only unblocked ones, only those whose attributes equal the given values, and
 * only those `match` (a nested expression) holds for. An empty definition holds every contact
 * of the tenant.
 */
export class SegmentDefinition {
  @IsTagNames(1, SEGMENT_TAGS_MAX, { optional: true })
  all?: string[];

  @IsTagNames(1, SEGMENT_TAGS_MAX, { optional: true })
  any?: string[];

  @IsTagNames(1, SEGMENT_TAGS_MAX, { optional: true })
  none?: string[];

  @IsAbsentOr()
  @IsBoolean()
  blocked?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    maxProperties: SEGMENT_ATTRIBUTES_MAX,
    additionalProperties: {
      oneOf: [
        { type: 'string', maxLength: ATTRIBUTE_STRING_MAX_LENGTH },
        { type: 'number' },
        { type: 'boolean' },
      ],
    },
    description: `attribute equality filters; keys ${ATTRIBUTE_KEY_RULE} (refused, never ignored)`,
  })
  @IsAbsentOr()
  @IsAttributeMap('isAttributeFilters', { maxKeys: SEGMENT_ATTRIBUTES_MAX, nullable: false })
  attributes?: Record<string, SegmentAttributeValue>;

  /**
   * A nested expression of `and`, `or`, `not` and conditions (tags, block state, attribute
   * tests, message activity), at most 5 levels deep and 50 nodes; it must hold as well as the
   * fields beside it.
   */
  @IsAbsentOr()
  @IsSegmentExpression()
  @ValidateNested()
  @Type(() => SegmentCondition)
  match?: SegmentCondition;
}

export const SEGMENT_NAME_MAX_LENGTH = 100;

/** A saved segment. */
export class SegmentView {
  @Matches(SEGMENT_ID_PATTERN)
  segmentId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(SEGMENT_NAME_MAX_LENGTH)
  name: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => SegmentDefinition)
  definition: SegmentDefinition;

  @IsString()
  createdBy: string;

  @IsISO8601()
  createdAt: string;
}

/** How many contacts a segment holds now, and a few of them. */
export class SegmentPreview {
  @IsInt()
  count: number;

  @ValidateNested({ each: true })
  @Type(() => ContactView)
  sample: ContactView[];
}
