import { Injectable } from '@nestjs/common';
import type { ContactCommandOf } from '@switchboard/contracts';
import { CommandOutcomes, commandsHandled } from '../commands/command-outcomes';
import { ContactCommands } from '../write/contact-commands';
import { JobDecisions, unchanged, type Decide } from './job-decisions';
import { jobDocumentId, type Job } from './job.schema';
import { CONTACT_JOB_KINDS, jobStepId, jobStepOf } from './job-steps';
import { JobStepsRepository } from './job-steps.repository';
import { JobsRepository } from './jobs.repository';
import type { ContactWriteBatch } from '../write/contact-write-batch';

/** How long a job and its decision are reused across steps before the catalog is read again. */
const DECISION_REUSE_MS = 1_000;
const DECISIONS_KEPT_MAX = 1_000;

/**
 * Applies `contact.job-step` commands: one job's change to one contact, on the contact's own
 * partition, like any command of the contact (at most once by the step id, its event published
 * at least once), then records the step's outcome for the job to count. A step the decision
 * refuses (a contact at the tag limit) is reported to the job, not published.
 */
@Injectable()
export class JobStepCommands {
  private readonly decisions = new Map<string, { job: Job; decide: Decide; until: number }>();

  constructor(
    private readonly jobs: JobsRepository,
    private readonly jobDecisions: JobDecisions,
    private readonly commands: ContactCommands,
    private readonly steps: JobStepsRepository,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async apply(command: ContactCommandOf<'contact.job-step'>, batch: ContactWriteBatch): Promise<void> {
    const { tenantId, contactId, commandId, payload } = command;
    const decision = await this.decisionOf(tenantId, payload.jobId);
    if (!decision) {
      return this.outcomes.reject(command, 'job-not-found', `no contact job ${payload.jobId}`);
    }
    if (commandId !== jobStepId(tenantId, payload.jobId, contactId)) {
      return this.outcomes.reject(
        command,
        'validation-failed',
        `commandId must be the step id of job ${payload.jobId} and contact ${contactId}`,
      );
    }
    const { job, decide } = decision;
    const outcome = await this.commands.applyJobStep(
      jobStepOf(job, contactId),
      contactId,
      batch,
      (current, now) => decide(current, contactId, now),
    );
    // Once its event is out: a job that counts the step finds it published.
    batch.afterPublishing(() => this.steps.record(tenantId, job.jobId, commandId, outcome.kind));
    commandsHandled.inc({
      type: command.type,
      outcome: outcome.kind === 'changed' ? 'applied' : outcome.kind,
    });
  }

  private async decisionOf(tenantId: string, jobId: string) {
    const key = jobDocumentId(tenantId, jobId);
    const kept = this.decisions.get(key);
    if (kept && kept.until > Date.now()) {
      return kept;
    }
    const job = await this.jobs.get(tenantId, jobId);
    if (!job || !CONTACT_JOB_KINDS.includes(job.kind)) {
      return undefined;
    }
    const decision = {
      job,
      decide: (await this.jobDecisions.of(job)) ?? unchanged,
      until: Date.now() + DECISION_REUSE_MS,
    };
    if (this.decisions.size >= DECISIONS_KEPT_MAX) {
      this.decisions.clear();
    }
    this.decisions.set(key, decision);
    return decision;
  }
}
