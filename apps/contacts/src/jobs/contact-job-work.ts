import { Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { JobKind } from '@switchboard/contracts';
import type { FilterQuery } from 'mongoose';
import type { Contact } from '../contacts/contact.schema';
import { decideBlockRequest, decideUnblockRequest } from '../contacts/block-decisions';
import {
  ContactCommandsService,
  type ChangeOutcome,
  type JobStep,
} from '../contacts/contact-commands.service';
import {
  decideAddTags,
  decideMergeTag,
  decideRemoveTagIds,
  decideRenameTag,
  type Decision,
} from '../contacts/contact-decisions';
import { ContactsRepository } from '../contacts/contacts.repository';
import { ContactsSettings } from '../contacts-settings';
import { SegmentResolver } from '../segments/segment-resolver';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import type { Job } from './job.schema';
import { JobsRepository, type JobProgress } from './jobs.repository';
import { progressOf, type JobRun, type JobWork } from './job-work';

/** Namespace of job step ids (UUIDv5 of tenant, job and contact). */
const STEP_NAMESPACE = '0d7f3a52-8a5e-4f8c-b7f4-3b2c7c1e9d40';
/** Catalog jobs look again until a pass finds nobody left (a contact tagged mid-run). */
const CATALOG_PASSES_MAX = 3;

const CATALOG_JOB_KINDS = new Set<JobKind>(['tag-rename', 'tag-delete', 'tag-merge']);

type Decide = (current: Contact | null, contactId: string, now: Date) => Decision;

/** The decision of a step whose tag is gone. */
const unchanged: Decide = () => ({ kind: 'apply', eventType: 'ContactUpdated', changed: false, changes: {} });

/**
 * Jobs that change many contacts one at a time: a catalog rename, deletion or merge reaching every
 * tagged contact, and bulk tagging, untagging, blocking or unblocking by id list or segment.
 *
 * Each contact's change is a job step with a deterministic id, applied like a command (at most
 * once, its event published at least once), so a job that resumes after a crash applies no
 * contact twice. Id lists resume from the saved position. Segment and catalog jobs select
 * only the contacts still to change (a renamed contact no longer has the old name), so a
 * resumed pass starts where the last one stopped.
 */
@Injectable()
export class ContactJobWork implements JobWork {
  readonly kinds: readonly JobKind[] = [
    'tag-rename',
    'tag-delete',
    'tag-merge',
    'bulk-tag',
    'bulk-untag',
    'bulk-block',
    'bulk-unblock',
  ];

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly commands: ContactCommandsService,
    private readonly catalog: TagCatalogRepository,
    private readonly jobs: JobsRepository,
    private readonly settings: ContactsSettings,
    private readonly resolver: SegmentResolver,
  ) {}

  async run(run: JobRun): Promise<{ outcome: 'completed' | 'interrupted'; progress: JobProgress }> {
    const { job } = run;
    const progress = progressOf(job);
    /**
     * Applies one chunk. The catalog is read again for each: a long job must not write back a
     * spelling a later rename replaced, or a tag deleted meanwhile (then the steps change nothing).
     */
    const apply = async (contactIds: string[]) => {
      await this.jobs.markInFlight(job, contactIds);
      const decide = (await this.decisionFor(job)) ?? unchanged;
      const outcomes = await Promise.all(contactIds.map((contactId) => this.step(job, contactId, decide)));
      count(progress, outcomes);
      await run.saveProgress(progress);
    };
    const chunkSize = this.settings.JOB_STEPS_CONCURRENTLY;
    const listed = job.params.contactIds;
    const interrupted = job.inFlight ?? [];
    if (!listed && interrupted.length > 0) {
      // The chunk a crash cut short: its applied steps no longer match the job's query, so they
      // are taken again here, by id: each publishes what it left pending and is counted once.
      await apply(interrupted);
    }
    if (listed) {
      while (progress.position < listed.length) {
        if (!run.shouldContinue()) {
          return { outcome: 'interrupted', progress };
        }
        const chunk = listed.slice(progress.position, progress.position + chunkSize);
        progress.position += chunk.length;
        await apply(chunk);
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
          chunk = [];
          if (!run.shouldContinue()) {
            return { outcome: 'interrupted', progress };
          }
        }
      }
      if (chunk.length > 0) {
        await apply(chunk);
      }
      if (seen === 0) {
        break;
      }
    }
    return { outcome: 'completed', progress };
  }

  private step(job: Job, contactId: string, decide: Decide): Promise<ChangeOutcome> {
    const step: JobStep = {
      stepId: uuidv5(`${job.tenantId}\n${job.jobId}\n${contactId}`, STEP_NAMESPACE),
      tenantId: job.tenantId,
      actor: job.requestedBy,
      ...blockCommandOf(job),
    };
    return this.commands.applyJobStep(step, contactId, (current, now) => decide(current, contactId, now));
  }

  /** What the job does to one contact; undefined when its tag no longer exists. */
  private async decisionFor(job: Job): Promise<Decide | undefined> {
    const { tagId, tags = [] } = job.params;
    switch (job.kind) {
      case 'tag-rename': {
        const tag = await this.catalog.get(job.tenantId, tagId!);
        if (!tag || tag.deletedAt) {
          return undefined;
        }
        return (current, contactId) =>
          decideRenameTag(current, contactId, { tagId: tag.tagId, name: tag.name });
      }
      case 'tag-delete':
        return (current, contactId) => decideRemoveTagIds(current, contactId, [tagId!]);
      case 'tag-merge': {
        // The target as the catalog has it now: its latest spelling, or the tag it was merged
        // into since; when it was deleted since, the merged tag just goes, as the target did.
        const into = await this.catalog.live(job.tenantId, job.params.intoTagId!);
        if (!into) {
          return (current, contactId) => decideRemoveTagIds(current, contactId, [tagId!]);
        }
        const target = { tagId: into.tagId, name: into.name };
        return (current, contactId) => decideMergeTag(current, contactId, tagId!, target);
      }
      case 'bulk-tag': {
        const live = await this.catalog.findByIds(
          job.tenantId,
          tags.map((tag) => tag.tagId),
        );
        return (current, contactId) => decideAddTags(current, contactId, live);
      }
      case 'bulk-untag':
        return (current, contactId) =>
          decideRemoveTagIds(
            current,
            contactId,
            tags.map((tag) => tag.tagId),
          );
      case 'bulk-block': {
        // Contacts already blocked keep their block (and its expiry).
        const requested = { blockedBy: job.requestedBy.id, ...job.params.block };
        return (current, contactId, now) =>
          decideBlockRequest(current, contactId, requested, now, { keepExisting: true });
      }
      case 'bulk-unblock':
        return (current, contactId) => decideUnblockRequest(current, contactId);
      case 'campaign-dispatch':
        throw new Error(`not a contact job: ${job.kind}`);
    }
  }

  /** The contacts a segment or catalog job still has to change; undefined when there can be none. */
  private async remaining(job: Job): Promise<FilterQuery<Contact> | undefined> {
    const { tagId, tags = [], segment } = job.params;
    const tagIds = tags.map((tag) => tag.tagId);
    switch (job.kind) {
      case 'tag-rename': {
        const tag = await this.catalog.get(job.tenantId, tagId!);
        return tag ? { tagIds: tagId, tags: { $ne: tag.name } } : undefined;
      }
      case 'tag-delete':
      case 'tag-merge':
        return { tagIds: tagId };
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
      case 'campaign-dispatch':
        return undefined;
    }
  }
}

/** The command a bulk block or unblock step stands for: its events carry its type and reason. */
function blockCommandOf(job: Job): Pick<JobStep, 'command' | 'reason'> {
  const reason = job.params.block?.reason;
  const until = job.params.block?.until;
  if (job.kind === 'bulk-block') {
    const payload = {
      ...(reason !== undefined && { reason }),
      ...(until && { until: new Date(until).toISOString() }),
    };
    return { reason, command: { type: 'contact.block', payload } };
  }
  if (job.kind === 'bulk-unblock') {
    return {
      reason,
      command: { type: 'contact.unblock', payload: { ...(reason !== undefined && { reason }) } },
    };
  }
  return {};
}

function count(progress: JobProgress, outcomes: ChangeOutcome[]): void {
  for (const outcome of outcomes) {
    progress.processed++;
    if (outcome.kind === 'changed' || outcome.kind === 'redelivered') {
      progress.changed++;
    } else if (outcome.kind === 'rejected') {
      progress.skipped++;
    }
  }
}
