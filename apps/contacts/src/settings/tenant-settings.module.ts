import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommandsModule } from '../commands/commands.module';
import { ChannelCredentialsCommands } from './channel-credentials-commands';
import { ChannelCredentialsController } from './channel-credentials.controller';
import { ChannelCredentialsRepository } from './channel-credentials.repository';
import { ChannelCredentials, ChannelCredentialsSchema } from './channel-credentials.schema';
import { SettingsController } from './settings.controller';
import { TenantSettings, TenantSettingsSchema } from './tenant-settings.schema';
import { TenantSettingsCommands } from './tenant-settings-commands';
import { TenantSettingsRepository } from './tenant-settings.repository';

/** A tenant's settings (its block policy) and its channel credentials. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: TenantSettings.name, schema: TenantSettingsSchema },
      { name: ChannelCredentials.name, schema: ChannelCredentialsSchema },
    ]),
    CommandsModule,
  ],
  controllers: [SettingsController, ChannelCredentialsController],
  providers: [
    TenantSettingsRepository,
    TenantSettingsCommands,
    ChannelCredentialsRepository,
    ChannelCredentialsCommands,
  ],
  exports: [TenantSettingsRepository, TenantSettingsCommands, ChannelCredentialsCommands],
})
export class TenantSettingsModule {}
