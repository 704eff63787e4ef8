import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { ChannelCredentialsRepository } from './channel-credentials.repository';
import { toChannelCredentialsView } from './channel-credentials.schema';

/**
 * Applies channel credential commands (on the tenant's `settings` key, in order with the other
 * settings). The credentials come sealed by the gateway and are stored so; the outcome says which
 * platform is configured, when and by whom, never the credentials.
 */
@Injectable()
export class ChannelCredentialsCommands {
  constructor(
    private readonly credentials: ChannelCredentialsRepository,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async setWhatsapp(command: TenantCommandOf<'settings.whatsapp-credentials'>): Promise<void> {
    const { tenantId, payload, actor, issuedAt } = command;
    await this.credentials.set(tenantId, 'whatsapp', payload.sealed, actor.id, new Date(issuedAt));
    return this.publish(command, 'whatsapp');
  }

  async setTwilio(command: TenantCommandOf<'settings.twilio-credentials'>): Promise<void> {
    const { tenantId, payload, actor, issuedAt } = command;
    await this.credentials.set(tenantId, 'twilio', payload.sealed, actor.id, new Date(issuedAt));
    return this.publish(command, 'twilio');
  }

  private async publish(
    command: TenantCommandOf<'settings.whatsapp-credentials' | 'settings.twilio-credentials'>,
    platform: 'whatsapp' | 'twilio',
  ): Promise<void> {
    const stored = await this.credentials.find(command.tenantId);
    return this.outcomes.publish(command, 'ChannelCredentialsChanged', {
      credentials: toChannelCredentialsView(stored, platform),
    });
  }
}
