import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { BlockPolicyView, PhoneNumberSettingsView } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { toBlockPolicyView, toPhoneNumberSettingsView } from './tenant-settings.schema';
import { TenantSettingsRepository } from './tenant-settings.repository';

/** Internal settings reads for the gateway, which has authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId/settings')
export class SettingsController {
  constructor(private readonly settings: TenantSettingsRepository) {}

  @Get('block-policy')
  async blockPolicy(@Param('tenantId') tenantId: string): Promise<BlockPolicyView> {
    return toBlockPolicyView(await this.settings.find(tenantId));
  }

  @Get('phone-numbers')
  async phoneNumbers(@Param('tenantId') tenantId: string): Promise<PhoneNumberSettingsView> {
    return toPhoneNumberSettingsView(await this.settings.find(tenantId));
  }
}
