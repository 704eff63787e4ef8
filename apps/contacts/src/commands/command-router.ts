import { Injectable } from '@nestjs/common';
import { isTenantCommand, type Command, type TenantCommand } from '@switchboard/contracts';
import { CampaignCommands } from '../campaigns/campaign-commands';
import { ContactCommandsService } from '../contacts/contact-commands.service';
import { BulkBlockingCommands } from '../jobs/bulk-blocking-commands';
import { BulkTaggingCommands } from '../jobs/bulk-tagging-commands';
import { SegmentCommands } from '../segments/segment-commands';
import { TenantSettingsCommands } from '../settings/tenant-settings-commands';
import { TagCatalogCommands } from '../tags/tag-catalog-commands';
import { CommandOutcomes } from './command-outcomes';

/**
 * Hands a validated command to what handles its type: contact commands to the contact
 * service, tenant commands (catalog, segments, settings, campaigns, bulk jobs) to theirs,
 * after answering any that was handled before.
 */
@Injectable()
export class CommandRouter {
  constructor(
    private readonly contacts: ContactCommandsService,
    private readonly catalog: TagCatalogCommands,
    private readonly bulkTagging: BulkTaggingCommands,
    private readonly bulkBlocking: BulkBlockingCommands,
    private readonly segments: SegmentCommands,
    private readonly campaigns: CampaignCommands,
    private readonly tenantSettings: TenantSettingsCommands,
    private readonly tenantOutcomes: CommandOutcomes,
  ) {}

  async route(command: Command): Promise<void> {
    if (!isTenantCommand(command)) {
      return this.contacts.handle(command);
    }
    if (await this.tenantOutcomes.republish(command)) {
      return;
    }
    return this.handleTenantCommand(command);
  }

  private handleTenantCommand(command: TenantCommand): Promise<void> {
    switch (command.type) {
      case 'tag.create':
        return this.catalog.create(command);
      case 'tag.update':
        return this.catalog.update(command);
      case 'tag.delete':
        return this.catalog.delete(command);
      case 'tag.merge':
        return this.catalog.merge(command);
      case 'bulk.tag':
        return this.bulkTagging.start(command);
      case 'bulk.block':
        return this.bulkBlocking.start(command);
      case 'settings.block-policy':
        return this.tenantSettings.setBlockPolicy(command);
      case 'segment.save':
        return this.segments.save(command);
      case 'segment.delete':
        return this.segments.delete(command);
      case 'campaign.create':
        return this.campaigns.create(command);
    }
  }
}
