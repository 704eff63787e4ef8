import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  ValidateIf,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export const TAG_NAME_MAX_LENGTH = 64;
/**
 * Printable (no control characters) with at least one character that is not a space. The same
 * rule as JSON Schema for the OpenAPI document, so what it documents is what is accepted.
 */
const PRINTABLE_SOURCE =
  '^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$';
const PRINTABLE = new RegExp(PRINTABLE_SOURCE);

const NAME_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: TAG_NAME_MAX_LENGTH,
  pattern: PRINTABLE_SOURCE,
  description: 'at most 64 characters as sent; stored trimmed; unique per tenant regardless of case',
} as const;

/** Optional, but not nullable: absent is fine, `null` is validated (and refused) like any value. */
export function IsAbsentOr() {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

interface Presence {
  optional?: boolean;
}

/**
 * Trims a name that is within the length limit as sent; a longer one stays as it is, so the
 * limit refuses it (the limit applies to what was sent, as the OpenAPI document says).
 */
const trimName = (value: unknown) =>
  typeof value === 'string' && value.length <= TAG_NAME_MAX_LENGTH ? value.trim() : value;
const trim = ({ value }: { value: unknown }) => trimName(value);
const trimEach = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(trimName) : value);

/** One tag name: trimmed, 1-64 characters, no control characters. */
export function IsTagName({ optional = false }: Presence = {}) {
  return applyDecorators(
    ...(optional ? [ApiPropertyOptional(NAME_SCHEMA), IsAbsentOr()] : [ApiProperty(NAME_SCHEMA)]),
    Transform(trim),
    IsString(),
    MinLength(1),
    MaxLength(TAG_NAME_MAX_LENGTH),
    Matches(PRINTABLE, { message: 'tag names need a visible character and no control characters' }),
  );
}

/** A list of tag names, each as `IsTagName` says, `min`-`max` of them. */
export function IsTagNames(min: number, max: number, { optional = false }: Presence = {}) {
  const schema = { type: 'array', items: NAME_SCHEMA, minItems: min, maxItems: max } as const;
  return applyDecorators(
    ...(optional ? [ApiPropertyOptional(schema), IsAbsentOr()] : [ApiProperty(schema)]),
    Transform(trimEach),
    IsArray(),
    ArrayMinSize(min),
    ArrayMaxSize(max),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(TAG_NAME_MAX_LENGTH, { each: true }),
    Matches(PRINTABLE, {
      each: true,
      message: 'tag names need a visible character and no control characters',
    }),
  );
}

/** Catalog key of a tag name: names are unique per tenant regardless of case. */
export function tagNameKey(name: string): string {
  return name.trim().toLowerCase();
}
