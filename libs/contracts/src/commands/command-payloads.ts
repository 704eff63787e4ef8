import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ContactIdentityFields } from '../contact-fields';

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
