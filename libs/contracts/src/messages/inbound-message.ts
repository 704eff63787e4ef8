import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CanonicalAddress, IsAddressForChannel } from '../contact-fields';
import { CHANNEL_PATTERN, CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from '../identifiers';

export const MessageTypes = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'location',
  'contact',
  'sticker',
  'reaction',
  'other',
] as const;
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:=+/-]{1,128}$/;
/** Largest inbound message record (text, captions, media references), like the webhook's body limit. */
export const INBOUND_MESSAGE_MAX_BYTES = 65_536;

export class SenderProfile {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

/**
 * An inbound chat message on `messages.inbound` (and, unchanged, on `messages.accepted`);
 * key `tenantId|channel|from`.
 */
export class InboundMessage {
  @Matches(MESSAGE_ID_PATTERN)
  messageId: string;

  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  @Matches(CHANNEL_PATTERN)
  channel: string;

  /**
   * The customer's address on the channel, normalised to the channel's one spelling
   * (`canonicalAddress`): on phone channels a number that cannot be read as one is refused.
   */
  @CanonicalAddress()
  @IsString()
  @IsAddressForChannel()
  from: string;

  /** The business's address on the channel. */
  @IsString()
  @MaxLength(256)
  to: string;

  @IsIn(MessageTypes)
  type: (typeof MessageTypes)[number];

  /** Channel-specific content (`text`, media references…), kept as given. */
  @IsObject()
  content: Record<string, unknown>;

  @IsISO8601({ strict: true })
  sentAt: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SenderProfile)
  profile?: SenderProfile;
}

/** The block that dropped a message, as `messages.blocked` records carry it. */
export class AppliedBlock {
  @Matches(CONTACT_ID_PATTERN)
  contactId: string;

  @IsISO8601()
  blockedAt: string;

  @IsString()
  blockedBy: string;

  @IsOptional()
  @IsString()
  reason?: string;

  /** When the block that dropped the message ends, for a temporary block. */
  @IsOptional()
  @IsISO8601()
  until?: string;
}

/** Value of a `messages.blocked` record: the dropped message and the block that dropped it. */
export class BlockedMessage {
  @IsDefined()
  @ValidateNested()
  @Type(() => InboundMessage)
  message: InboundMessage;

  @IsDefined()
  @ValidateNested()
  @Type(() => AppliedBlock)
  block: AppliedBlock;

  @IsISO8601()
  droppedAt: string;
}
