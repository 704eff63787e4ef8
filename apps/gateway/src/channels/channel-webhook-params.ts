import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '@switchboard/contracts';

/** The tenant a webhook posts for (ours, Meta's, Twilio's): part of the URL the tenant gave the platform. */
export class ChannelWebhookParams {
  @ApiProperty({ pattern: TENANT_ID_PATTERN.source })
  @Matches(TENANT_ID_PATTERN)
  tenantId: string;
}
