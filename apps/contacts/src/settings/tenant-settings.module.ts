import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommandsModule } from '../commands/commands.module';
import { SettingsController } from './settings.controller';
import { TenantSettings, TenantSettingsSchema } from './tenant-settings.schema';
import { TenantSettingsCommands } from './tenant-settings-commands';
import { TenantSettingsRepository } from './tenant-settings.repository';

/** A tenant's settings (its block policy). */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: TenantSettings.name, schema: TenantSettingsSchema }]),
    CommandsModule,
  ],
  controllers: [SettingsController],
  providers: [TenantSettingsRepository, TenantSettingsCommands],
  exports: [TenantSettingsRepository, TenantSettingsCommands],
})
export class TenantSettingsModule {}
