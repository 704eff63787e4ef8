import { IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';

export const TAG_ID_PATTERN = /^t_[A-Za-z0-9_-]{1,64}$/;
export const TAG_COLOUR_PATTERN = /^#[0-9a-f]{6}$/;
export const TAG_DESCRIPTION_MAX_LENGTH = 500;

/** A tag of the tenant's catalog. `tagId` stays the same when the tag is renamed. */
export class TagView {
  @Matches(TAG_ID_PATTERN)
  tagId: string;

  @IsString()
  name: string;

  /** `#rrggbb`, lower case */
  @Matches(TAG_COLOUR_PATTERN)
  colour: string;

  @IsOptional()
  @IsString()
  description?: string;

  /** Contacts that carry the tag. */
  @IsInt()
  @Min(0)
  usage: number;
}
