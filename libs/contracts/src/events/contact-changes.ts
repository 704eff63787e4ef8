import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Identity, type AttributeValue } from '../contact-fields';
import { BlockState } from '../contact-view';

/** The public contact fields a change reports before and after (see `ContactChanges`). */
export const ChangeableContactFields = [
  'identities',
  'name',
  'email',
  'phone',
  'attributes',
  'tags',
  'block',
] as const;
export type ChangeableContactField = (typeof ChangeableContactFields)[number];

/** A profile text field before and after; `null` where it was or is unset. */
export class TextFieldChange {
  @IsOptional()
  @IsString()
  before: string | null;

  @IsOptional()
  @IsString()
  after: string | null;
}

export class IdentitiesChange {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Identity)
  before: Identity[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Identity)
  after: Identity[];
}

/** The whole attribute map before and after. */
export class AttributesChange {
  @IsObject()
  before: Record<string, AttributeValue>;

  @IsObject()
  after: Record<string, AttributeValue>;
}

/** The tag lists (catalog spellings) before and after, and the names that came and went. */
export class TagsChange {
  @IsArray()
  @IsString({ each: true })
  before: string[];

  @IsArray()
  @IsString({ each: true })
  after: string[];

  @IsArray()
  @IsString({ each: true })
  added: string[];

  @IsArray()
  @IsString({ each: true })
  removed: string[];
}

/** The block state before and after (who blocked, when and why, as the contact shows it). */
export class BlockChange {
  @IsDefined()
  @ValidateNested()
  @Type(() => BlockState)
  before: BlockState;

  @IsDefined()
  @ValidateNested()
  @Type(() => BlockState)
  after: BlockState;
}

/**
 * Each public field a change touched, before and after, so a consumer needs no lookup.
 * A created contact is compared with an empty one (no identities, tags or attributes, not blocked).
 */
export class ContactChanges {
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentitiesChange)
  identities?: IdentitiesChange;

  @IsOptional()
  @ValidateNested()
  @Type(() => TextFieldChange)
  name?: TextFieldChange;

  @IsOptional()
  @ValidateNested()
  @Type(() => TextFieldChange)
  email?: TextFieldChange;

  @IsOptional()
  @ValidateNested()
  @Type(() => TextFieldChange)
  phone?: TextFieldChange;

  @IsOptional()
  @ValidateNested()
  @Type(() => AttributesChange)
  attributes?: AttributesChange;

  @IsOptional()
  @ValidateNested()
  @Type(() => TagsChange)
  tags?: TagsChange;

  @IsOptional()
  @ValidateNested()
  @Type(() => BlockChange)
  block?: BlockChange;
}
