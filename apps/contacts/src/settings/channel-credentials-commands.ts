import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { ChannelCredentialsRepository } from './channel-credentials.repository';
import { toChannelCredentialsView } from './channel-credentials.schema';

/**
 * Applies channel credential commands (on the tenant's `settings` key, in order with the other
 * settings). The outcome says which platform is configured, when and by whom: the credentials
 * stay in the store, never in an event.
 */
@Injectable()
export class ChannelCredentialsCommands {
  constructor(
    private readonly credentials: ChannelCredentialsRepository,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async setWhatsapp(command: TenantCommandOf<'settings.whatsapp-credentials'>): Promise<void> {
    const { appSecret, verifyToken } = command.payload;
    await this.credentials.set(
      command.tenantId,
      'whatsapp',
      { appSecret, verifyToken },
      command.actor.id,
      new Date(command.issuedAt),
    );
    return this.publish(command, 'whatsapp');
  }

  async setTwilio(command: TenantCommandOf<'settings.twilio-credentials'>): Promise<void> {
    const { authToken } = command.payload;
    await this.credentials.set(
      command.tenantId,
      'twilio',
      { authToken },
      command.actor.id,
      new Date(command.issuedAt),
    );
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
