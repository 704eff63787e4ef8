import { Inject, Injectable } from '@nestjs/common';
import { commandRecord, type JobKind, type TopicNames } from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import type { FilterQuery } from 'mongoose';
import type { Contact } from '../contacts/contact.schema';
import { ContactsRepository } from '../contacts/contacts.repository';
import { ContactsSettings } from '../contacts-settings';
import { SegmentResolver } from '../segments/segment-resolver';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { listedContactIds, type Job } from './job.schema';
import type { JobStepOutcome } from './job-step.schema';
import { CONTACT_JOB_KINDS, jobStepCommand } from './job-steps';
import { JobStepsRepository } from './job-steps.repository';
import { JobsRepository, type JobProgress } from './jobs.repository';
import { progressOf, type JobRun, type JobWork } from './job-work';

/** Catalog jobs look again until a pass finds nobody left (a contact tagged mid-run). */
const CATALOG_PASSES_MAX = 3;
/** How often a job reads the outcomes of its steps that other instances apply. */
const STEP_READ_MS = 1_000;

const CATALOG_JOB_KINDS = new Set<JobKind>(['tag-rename', 'tag-delete', 'tag-merge']);

/** A chunk whose steps were sent but not all answered when the service began to stop. */
class StepsInterrupted extends Error {}

/**
 * Jobs that change many contacts: a catalog rename, deletion or merge reaching every tagged
 * contact, and bulk tagging, untagging, blocking or unblocking by id list or segment.
 *
 * The job never writes a contact. Each contact's change is a `contact.job-step` command with a
 * deterministic id, sent to the contact's partition of `contacts.commands`, where the contact's
 * one writer applies it like any command (at most once, its event published at least once) and
 * records its outcome (see JobStepCommands). The job sends a chunk of steps, waits for their
 * outcomes, counts them and saves its progress, so a job that resumes after a crash applies no
 * contact twice and counts each once. Id lists resume from the saved position. Segment and
 * catalog jobs select only the contacts still to change (a renamed contact no longer has the old
 * name), and first send again the chunk a crash cut short.
 */
@Injectable()
export class ContactJobWork implements JobWork {
  readonly kinds = CONTACT_JOB_KINDS;

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly catalog: TagCatalogRepository,
    private readonly jobs: JobsRepository,
    private readonly steps: JobStepsRepository,
    private readonly settings: ContactsSettings,
    private readonly resolver: SegmentResolver,
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  async run(run: JobRun): Promise<{ outcome: 'completed' | 'interrupted'; progress: JobProgress }> {
    const { job } = run;
    const progress = progressOf(job);
    const apply = async (contactIds: string[]) => {
      await this.jobs.markInFlight(job, contactIds);
      count(progress, await this.stepsOf(run, contactIds));
    };
    try {
      return await this.runChunks(run, progress, apply);
    } catch (error) {
      if (error instanceof StepsInterrupted) {
        // The chunk in flight is not counted (counts move once a chunk is answered): it is sent
        // again on resume, from the same position or as the job's steps in flight.
        return { outcome: 'interrupted', progress };
      }
      throw error;
    }
  }

  private async runChunks(
    run: JobRun,
    progress: JobProgress,
    apply: (contactIds: string[]) => Promise<void>,
  ): Promise<{ outcome: 'completed' | 'interrupted'; progress: JobProgress }> {
    const { job } = run;
    const chunkSize = this.settings.JOB_STEPS_CONCURRENTLY;
    const listed = listedContactIds(job);
    const interrupted = job.inFlight ?? [];
    if (!listed && interrupted.length > 0) {
      // The chunk a crash cut short: its applied steps no longer match the job's query, so they
      // are taken again here, by id: each publishes what it left pending and is counted once.
      await apply(interrupted);
      await run.saveProgress(progress);
    }
    if (listed) {
      while (progress.position < listed.length) {
        if (!run.shouldContinue()) {
          return { outcome: 'interrupted', progress };
        }
        const chunk = listed.slice(progress.position, progress.position + chunkSize);
        // Counted with its chunk: a chunk interrupted is sent again from the same position.
        const position = progress.position + chunk.length;
        await apply(chunk);
        progress.position = position;
        await run.saveProgress(progress);
      }
      return { outcome: 'completed', progress };
    }
    const passes = CATALOG_JOB_KINDS.has(job.kind) ? CATALOG_PASSES_MAX : 1;
    for (let pass = 0; pass < passes; pass++) {
      const remaining = await this.remaining(job);
      if (!remaining) {
        break;
      }
      let seen = 0;
      let chunk: string[] = [];
      for await (const { contactId } of this.contacts.stream(job.tenantId, remaining, [])) {
        chunk.push(contactId);
        seen++;
        if (chunk.length === chunkSize) {
          await apply(chunk);
          await run.saveProgress(progress);
          chunk = [];
          if (!run.shouldContinue()) {
            return { outcome: 'interrupted', progress };
          }
        }
      }
      if (chunk.length > 0) {
        await apply(chunk);
        await run.saveProgress(progress);
      }
      if (seen === 0) {
        break;
      }
    }
    return { outcome: 'completed', progress };
  }

  /**
   * Sends the steps of these contacts to their partitions and waits for every outcome, keeping
   * the job's lease meanwhile: at once for the steps this process applies, by reading the store
   * every STEP_READ_MS for the others. Throws StepsInterrupted when the service stops first.
   */
  private async stepsOf(run: JobRun, contactIds: string[]): Promise<JobStepOutcome[]> {
    const { tenantId } = run.job;
    const now = new Date();
    const commands = contactIds.map((contactId) => jobStepCommand(run.job, contactId, now));
    const stepIds = commands.map((command) => command.commandId);
    const outcomes = new Map<string, JobStepOutcome>();
    let wake = () => {};
    const stopListening = this.steps.listen(tenantId, stepIds, (stepId, outcome) => {
      outcomes.set(stepId, outcome);
      wake();
    });
    try {
      await this.producer.send(commands.map((command) => commandRecord(this.topics, command)));
      let readAt = Date.now();
      let keptAliveAt = Date.now();
      while (outcomes.size < stepIds.length) {
        if (!run.shouldContinue()) {
          throw new StepsInterrupted();
        }
        if (Date.now() - keptAliveAt > this.settings.JOB_LEASE_MS / 3) {
          await run.keepAlive();
          keptAliveAt = Date.now();
        }
        if (Date.now() - readAt >= STEP_READ_MS) {
          const missing = stepIds.filter((stepId) => !outcomes.has(stepId));
          for (const [stepId, outcome] of await this.steps.outcomesOf(tenantId, missing)) {
            outcomes.set(stepId, outcome);
          }
          readAt = Date.now();
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, STEP_READ_MS);
        });
      }
      return stepIds.map((stepId) => outcomes.get(stepId)!);
    } finally {
      stopListening();
    }
  }

  /** The contacts a segment or catalog job still has to change; undefined when there can be none. */
  private async remaining(job: Job): Promise<FilterQuery<Contact> | undefined> {
    if (job.kind === 'campaign-dispatch') {
      return undefined; // not a contact job
    }
    if (job.kind === 'tag-rename' || job.kind === 'tag-delete' || job.kind === 'tag-merge') {
      const { tagId } = job.params;
      if (job.kind !== 'tag-rename') {
        return { tagIds: tagId };
      }
      const tag = await this.catalog.get(job.tenantId, tagId);
      return tag ? { tagIds: tagId, tags: { $ne: tag.name } } : undefined;
    }
    const { segment } = job.params;
    const tagIds = 'tags' in job.params ? job.params.tags.map((tag) => tag.tagId) : [];
    switch (job.kind) {
      case 'bulk-tag':
        return segment && !segment.matchesNothing
          ? {
              ...(await this.resolver.filterOf(job.tenantId, segment)),
              $or: tagIds.map((id) => ({ tagIds: { $ne: id } })),
            }
          : undefined;
      case 'bulk-untag':
        return segment && !segment.matchesNothing
          ? { $and: [await this.resolver.filterOf(job.tenantId, segment), { tagIds: { $in: tagIds } }] }
          : undefined;
      case 'bulk-block':
      case 'bulk-unblock':
        return segment && !segment.matchesNothing
          ? {
              $and: [
                await this.resolver.filterOf(job.tenantId, segment),
                job.kind === 'bulk-block'
                  ? // not blocked, or a temporary block that has ended (see isInForce)
                    { $or: [{ 'block.blocked': { $ne: true } }, { 'block.until': { $lte: new Date() } }] }
                  : { 'block.blocked': true },
              ],
            }
          : undefined;
    }
  }
}

function count(progress: JobProgress, outcomes: JobStepOutcome[]): void {
  for (const outcome of outcomes) {
    progress.processed++;
    if (outcome === 'changed' || outcome === 'redelivered') {
      progress.changed++;
    } else if (outcome === 'rejected') {
      progress.skipped++;
    }
  }
}
