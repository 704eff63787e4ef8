import { Injectable } from '@nestjs/common';
import {
  isTenantCommand,
  isTenantCommandType,
  type Command,
  type TenantCommand,
} from '@switchboard/contracts';
import type { ConsumedRecord } from '@switchboard/kafka';
import { CampaignCommands } from '../campaigns/campaign-commands';
import { BlockExpiryCommands } from '../contacts/block-expiry-commands';
import { ContactCommandsService } from '../contacts/contact-commands.service';
import { ContactsSettings } from '../contacts-settings';
import { BulkBlockingCommands } from '../jobs/bulk-blocking-commands';
import { BulkTaggingCommands } from '../jobs/bulk-tagging-commands';
import { JobStepCommands } from '../jobs/job-step-commands';
import { JobStepsRepository } from '../jobs/job-steps.repository';
import { SegmentCommands } from '../segments/segment-commands';
import { TenantSettingsCommands } from '../settings/tenant-settings-commands';
import { TagCatalogCommands } from '../tags/tag-catalog-commands';
import type { ContactWriteBatch } from '../write/contact-write-batch';
import { ContactWriteEngine } from '../write/contact-write-engine';
import { AcceptedCommandsRepository } from './accepted-commands.repository';
import { CommandOutcomes } from './command-outcomes';
import { deadLetteredCommand, deadLetterRejection } from './dead-lettered-commands';

/**
 * Hands a validated command to what handles its type: contact commands to the contact
 * service (job steps and block expiries, which the service sends itself, to theirs), tenant commands (catalog, segments, settings, campaigns, bulk jobs) to theirs,
 * after answering any that was handled before. A command that goes to the DLQ is answered
 * too, with a `CommandRejected` (the commands group's `onDeadLetter`).
 */
@Injectable()
export class CommandRouter {
  constructor(
    private readonly contacts: ContactCommandsService,
    private readonly jobSteps: JobStepCommands,
    private readonly blockExpiries: BlockExpiryCommands,
    private readonly jobStepOutcomes: JobStepsRepository,
    private readonly catalog: TagCatalogCommands,
    private readonly bulkTagging: BulkTaggingCommands,
    private readonly bulkBlocking: BulkBlockingCommands,
    private readonly segments: SegmentCommands,
    private readonly campaigns: CampaignCommands,
    private readonly tenantSettings: TenantSettingsCommands,
    private readonly tenantOutcomes: CommandOutcomes,
    private readonly accepted: AcceptedCommandsRepository,
    private readonly engine: ContactWriteEngine,
    private readonly settings: ContactsSettings,
  ) {}

  /** Handles a command of a batch of its partition; contact changes wait in `batch` to be published. */
  async route(command: Command, batch: ContactWriteBatch): Promise<void> {
    try {
      if (command.actor.id === this.settings.COMMAND_FAILURE_DRILL_ACTOR) {
        throw new Error(`command failure drill: commands of ${command.actor.id} always fail`);
      }
      await this.dispatch(command, batch);
    } catch (error) {
      // It is retried for a while: meanwhile its status reads `pending`, not unknown.
      await this.accepted.record(command.tenantId, command.commandId, new Date()).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Every command that can no longer be applied gets an answer: its outcome if one was recorded
   * (never overwritten), else a rejection with the reason, recorded as its outcome. A record
   * without a readable tenant and command id answers nobody; it is only in the DLQ.
   */
  async answerDeadLettered(record: ConsumedRecord, error: unknown): Promise<void> {
    const command = deadLetteredCommand(record.value);
    if (!command) {
      return;
    }
    if (command.contactId !== undefined && !isTenantCommandType(command.type)) {
      // Applied before the failure (in the publication that followed)? Then its true outcome.
      await this.engine.publishOutboxOf(record.partition, command.tenantId, command.contactId);
    }
    if (command.type === 'contact.job-step' && command.jobId) {
      // The job waits for every step's outcome: applied before the failure, or refused now.
      const applied = await this.tenantOutcomes.republish(command);
      await this.jobStepOutcomes.record(
        command.tenantId,
        command.jobId,
        command.commandId,
        applied ? 'changed' : 'rejected',
      );
      if (applied) {
        return;
      }
    } else if (await this.tenantOutcomes.republish(command)) {
      return;
    }
    const { code, reason, fieldErrors } = deadLetterRejection(error);
    await this.tenantOutcomes.reject(command, code, reason, fieldErrors);
  }

  private async dispatch(command: Command, batch: ContactWriteBatch): Promise<void> {
    if (!isTenantCommand(command)) {
      if (command.type === 'contact.job-step') {
        return this.jobSteps.apply(command, batch);
      }
      if (command.type === 'contact.block-expiry') {
        return this.blockExpiries.apply(command, batch);
      }
      return this.contacts.handle(command, batch);
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
