import { Injectable } from '@nestjs/common';
import {
  isTenantCommand,
  isTenantCommandType,
  type Command,
  type CommandOf,
  type CommandType,
} from '@switchboard/contracts';
import type { ConsumedRecord } from '@switchboard/kafka';
import { CampaignCommands } from '../campaigns/campaign-commands';
import { BlockExpiryCommands } from '../contacts/block-expiry-commands';
import { ContactCommands } from './contact-commands';
import { ContactsSettings } from '../contacts-settings';
import { BulkBlockingCommands } from '../jobs/bulk-blocking-commands';
import { BulkTaggingCommands } from '../jobs/bulk-tagging-commands';
import { JobStepCommands } from '../jobs/job-step-commands';
import { JobStepsRepository } from '../jobs/job-steps.repository';
import { SegmentCommands } from '../segments/segment-commands';
import { ChannelCredentialsCommands } from '../settings/channel-credentials-commands';
import { TenantSettingsCommands } from '../settings/tenant-settings-commands';
import { TagCatalogCommands } from '../tags/tag-catalog-commands';
import type { ContactWriteBatch } from './contact-write-batch';
import { ContactWriteEngine } from './contact-write-engine';
import { AcceptedCommandsRepository } from '../commands/accepted-commands.repository';
import { CommandOutcomes } from '../commands/command-outcomes';
import { deadLetteredCommand, deadLetterRejection } from '../commands/dead-lettered-commands';

type CommandHandlers = {
  [Type in CommandType]: (command: CommandOf<Type>, batch: ContactWriteBatch) => Promise<void>;
};

/**
 * The one place a command's type decides what handles it: contact commands (and the job steps
 * and block expiries the service sends itself) change the contact within the partition's write
 * batch; tenant commands (catalog, segments, settings, campaigns, bulk jobs) change what their
 * subject owns. A command handled before is answered again instead. A command that goes to the
 * DLQ is answered too, with a `CommandRejected` (the commands group's `onDeadLetter`).
 */
@Injectable()
export class CommandRouter {
  constructor(
    private readonly contacts: ContactCommands,
    private readonly jobSteps: JobStepCommands,
    private readonly blockExpiries: BlockExpiryCommands,
    private readonly jobStepOutcomes: JobStepsRepository,
    private readonly catalog: TagCatalogCommands,
    private readonly bulkTagging: BulkTaggingCommands,
    private readonly bulkBlocking: BulkBlockingCommands,
    private readonly segments: SegmentCommands,
    private readonly campaigns: CampaignCommands,
    private readonly tenantSettings: TenantSettingsCommands,
    private readonly channelCredentials: ChannelCredentialsCommands,
    private readonly outcomes: CommandOutcomes,
    private readonly accepted: AcceptedCommandsRepository,
    private readonly engine: ContactWriteEngine,
    private readonly settings: ContactsSettings,
  ) {}

  /** What handles each type of command; the compiler checks that every type has one. */
  private readonly handlers: CommandHandlers = {
    'contact.create': (command, batch) => this.contacts.create(command, batch),
    'contact.update': (command, batch) => this.contacts.update(command, batch),
    'contact.block': (command, batch) => this.contacts.changeBlock(command, batch),
    'contact.unblock': (command, batch) => this.contacts.changeBlock(command, batch),
    'contact.tag': (command, batch) => this.contacts.tag(command, batch),
    'contact.untag': (command, batch) => this.contacts.untag(command, batch),
    'note.add': (command, batch) => this.contacts.applyNote(command, batch),
    'note.edit': (command, batch) => this.contacts.applyNote(command, batch),
    'note.delete': (command, batch) => this.contacts.applyNote(command, batch),
    'note.pin': (command, batch) => this.contacts.applyNote(command, batch),
    'note.unpin': (command, batch) => this.contacts.applyNote(command, batch),
    'contact.job-step': (command, batch) => this.jobSteps.apply(command, batch),
    'contact.block-expiry': (command, batch) => this.blockExpiries.apply(command, batch),
    'tag.create': (command) => this.catalog.create(command),
    'tag.update': (command) => this.catalog.update(command),
    'tag.delete': (command) => this.catalog.delete(command),
    'tag.merge': (command) => this.catalog.merge(command),
    'bulk.tag': (command) => this.bulkTagging.start(command),
    'bulk.block': (command) => this.bulkBlocking.start(command),
    'settings.block-policy': (command) => this.tenantSettings.setBlockPolicy(command),
    'settings.phone-numbers': (command) => this.tenantSettings.setPhoneNumberSettings(command),
    'settings.whatsapp-credentials': (command) => this.channelCredentials.setWhatsapp(command),
    'settings.twilio-credentials': (command) => this.channelCredentials.setTwilio(command),
    'segment.save': (command) => this.segments.save(command),
    'segment.delete': (command) => this.segments.delete(command),
    'campaign.create': (command) => this.campaigns.create(command),
  };

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
      const applied = await this.outcomes.republish(command);
      await this.jobStepOutcomes.record(
        command.tenantId,
        command.jobId,
        command.commandId,
        applied ? 'changed' : 'rejected',
      );
      if (applied) {
        return;
      }
    } else if (await this.outcomes.republish(command)) {
      return;
    }
    const { code, reason, fieldErrors } = deadLetterRejection(error);
    await this.outcomes.reject(command, code, reason, fieldErrors);
  }

  private async dispatch(command: Command, batch: ContactWriteBatch): Promise<void> {
    // Job steps and block expiries record their own outcomes; any other command handled before
    // is answered again (a caller retrying with the same idempotency key).
    if (!isInternalCommand(command) && (await this.outcomes.republish(command))) {
      if (!isTenantCommand(command)) {
        // Its outbox may still hold what it published (a failure before it was emptied): read,
        // the contact's outbox goes out with the batch.
        await batch.find(command.tenantId, command.contactId);
      }
      return;
    }
    const handle = this.handlers[command.type] as (
      command: Command,
      batch: ContactWriteBatch,
    ) => Promise<void>;
    return handle(command, batch);
  }
}

const isInternalCommand = (command: Command) =>
  command.type === 'contact.job-step' || command.type === 'contact.block-expiry';
