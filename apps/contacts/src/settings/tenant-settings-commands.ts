import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { toBlockPolicyView, toPhoneNumberSettingsView } from './tenant-settings.schema';
import { TenantSettingsRepository } from './tenant-settings.repository';

/**
 * Applies settings commands. They share the tenant's `settings` key, so they are applied in
 * order; a redelivered one is answered from its recorded outcome before it reaches here.
 */
@Injectable()
export class TenantSettingsCommands {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async setBlockPolicy(command: TenantCommandOf<'settings.block-policy'>): Promise<void> {
    const { tenantId, payload, actor } = command;
    await this.settings.setBlockPolicy(tenantId, payload, actor.id, new Date(command.issuedAt));
    const policy = toBlockPolicyView(await this.settings.find(tenantId));
    return this.outcomes.publish(command, 'BlockPolicyChanged', { policy });
  }

  async setPhoneNumberSettings(command: TenantCommandOf<'settings.phone-numbers'>): Promise<void> {
    const { tenantId, payload, actor } = command;
    await this.settings.setPhoneNumberSettings(tenantId, payload, actor.id, new Date(command.issuedAt));
    const phoneNumbers = toPhoneNumberSettingsView(await this.settings.find(tenantId));
    return this.outcomes.publish(command, 'PhoneNumberSettingsChanged', { phoneNumbers });
  }
}
