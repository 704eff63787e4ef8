import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { CONTACT_ID_PATTERN, ContactIdentityFields } from '@switchboard/contracts';

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
  @Matches(CONTACT_ID_PATTERN, { message: `id must match ${CONTACT_ID_PATTERN.source}` })
  id: string;
}
