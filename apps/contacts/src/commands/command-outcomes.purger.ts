import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ContactsSettings } from '../contacts-settings';
import { AcceptedCommandsRepository } from './accepted-commands.repository';
import { JobStepsRepository } from '../jobs/job-steps.repository';
import { CommandOutcomesRepository } from './command-outcomes.repository';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes expired command outcomes, and the records of commands accepted and of job steps
 * answered as long ago, every hour: the store has no TTL indexes.
 */
@Injectable()
export class CommandOutcomesPurger implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CommandOutcomesPurger.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly outcomes: CommandOutcomesRepository,
    private readonly accepted: AcceptedCommandsRepository,
    private readonly jobSteps: JobStepsRepository,
    private readonly settings: ContactsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async purge(): Promise<void> {
    const cutoff = new Date(Date.now() - this.settings.COMMAND_OUTCOME_RETENTION_HOURS * 3_600_000);
    try {
      const deleted = await this.outcomes.purgeOlderThan(cutoff);
      const deletedAccepted = await this.accepted.purgeOlderThan(cutoff);
      const deletedSteps = await this.jobSteps.purgeOlderThan(cutoff);
      this.logger.log({ deleted, deletedAccepted, deletedSteps, cutoff }, 'purged expired command outcomes');
    } catch (error) {
      this.logger.warn({ err: error }, 'purging command outcomes failed; will retry');
    }
  }
}
