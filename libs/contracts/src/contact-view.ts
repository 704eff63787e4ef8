import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { Identity, type AttributeValue } from './contact-fields';
import { CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from './identifiers';

export class BlockState {
  @IsBoolean()
  blocked: boolean;

  @IsOptional()
  @IsISO8601()
  blockedAt?: string;

  @IsOptional()
  @IsString()
  blockedBy?: string;

  @IsOptional()
  @IsString()
  reason?: string;

  /** When a temporary block ends by itself; absent for a block that lasts until an unblock. */
  @IsOptional()
  @IsISO8601()
  until?: string;
}

export class MessageCounters {
  @IsInt()
  @Min(0)
  accepted: number;

  @IsInt()
  @Min(0)
  blocked: number;
}

/** A contact as events carry it and as the API returns it. */
export class ContactView {
  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  @Matches(CONTACT_ID_PATTERN)
  contactId: string;

  @ValidateNested({ each: true })
  @Type(() => Identity)
  identities: Identity[];

  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsString()
  email?: string;

  @IsOptional()
  @IsString()
  phone?: string;

  @IsObject()
  attributes: Record<string, AttributeValue>;

  @IsArray()
  @IsString({ each: true })
  tags: string[];

  @ValidateNested()
  @Type(() => BlockState)
  block: BlockState;

  /** On reads; events leave it out (commands do not change it). */
  @IsOptional()
  @ValidateNested()
  @Type(() => MessageCounters)
  counters?: MessageCounters;

  @IsInt()
  @Min(1)
  version: number;

  @IsISO8601()
  createdAt: string;

  @IsISO8601()
  updatedAt: string;

  @IsOptional()
  @IsISO8601()
  lastMessageAt?: string;

  @IsOptional()
  @IsISO8601()
  firstSeenAt?: string;
}
