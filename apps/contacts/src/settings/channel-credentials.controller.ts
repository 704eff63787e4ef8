import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ChannelCredentialsView, SealedChannelCredentials } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { ChannelCredentialsRepository } from './channel-credentials.repository';
import { toChannelCredentialsViews, toSealedChannelCredentials } from './channel-credentials.schema';

/**
 * Internal reads of a tenant's channel credentials for the gateway: which are configured (for
 * admins), and the credentials themselves (for webhook verification only). Never public.
 */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId/settings/channel-credentials')
export class ChannelCredentialsController {
  constructor(private readonly credentials: ChannelCredentialsRepository) {}

  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<{ items: ChannelCredentialsView[] }> {
    return { items: toChannelCredentialsViews(await this.credentials.find(tenantId)) };
  }

  @Get('secrets')
  async secrets(@Param('tenantId') tenantId: string): Promise<SealedChannelCredentials> {
    return toSealedChannelCredentials(await this.credentials.find(tenantId));
  }
}
