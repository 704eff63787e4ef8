import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { SegmentResolver } from '../segments/segment-resolver';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { JobRunner } from './job-runner';
import { newJob, toJobView } from './job.schema';
import { JobsRepository } from './jobs.repository';

/**
 * Starts bulk tagging jobs. Tag names and the segment are resolved to catalog ids once, here:
 * the job then works on the same tags and the same tag tests however long it runs.
 */
@Injectable()
export class BulkTaggingCommands {
  constructor(
    private readonly catalog: TagCatalogRepository,
    private readonly resolver: SegmentResolver,
    private readonly jobs: JobsRepository,
    private readonly runner: JobRunner,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async start(command: TenantCommandOf<'bulk.tag'>): Promise<void> {
    const { tenantId, payload } = command;
    const existing = await this.jobs.get(tenantId, payload.jobId);
    if (existing) {
      return this.outcomes.publish(command, 'BulkJobStarted', { job: toJobView(existing) }); // redelivered
    }
    const target = await this.resolver.resolveTarget(tenantId, payload);
    if (target === null) {
      return this.outcomes.reject(
        command,
        'segment-not-found',
        `segment ${payload.segmentId} does not exist`,
      );
    }
    const now = new Date();
    // Adding creates unknown tags, like tagging one contact; removing an unknown name removes nothing.
    const tags =
      payload.action === 'add'
        ? await this.catalog.ensure(tenantId, payload.tags, now)
        : [...(await this.catalog.findByNames(tenantId, payload.tags)).values()].map(({ tagId, name }) => ({
            tagId,
            name,
          }));
    const job = newJob(
      tenantId,
      payload.jobId,
      payload.action === 'add' ? 'bulk-tag' : 'bulk-untag',
      command.actor,
      {
        tags,
        ...(payload.contactIds && { contactIds: [...new Set(payload.contactIds)] }),
        ...(target && { segment: target.resolved }),
      },
      now,
    );
    await this.jobs.insert(job);
    this.runner.wake();
    return this.outcomes.publish(command, 'BulkJobStarted', { job: toJobView(job) });
  }
}
