import { Injectable } from '@nestjs/common';
import type { BulkTarget, JobKind, TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { SegmentResolver } from '../segments/segment-resolver';
import { JobRunner } from './job-runner';
import { newJob, toJobView, type BulkJobTarget, type JobParamsOf } from './job.schema';
import { JobsRepository } from './jobs.repository';

type BulkCommand = TenantCommandOf<'bulk.tag' | 'bulk.block'>;
type BulkJobKind = Extract<JobKind, `bulk-${string}`>;

/**
 * What every bulk job start shares: a redelivered command answers with the job it started,
 * the target becomes an id list or a segment resolved once, and the job is stored, woken and
 * announced (`BulkJobStarted`).
 */
@Injectable()
export class BulkJobStarter {
  constructor(
    private readonly resolver: SegmentResolver,
    private readonly jobs: JobsRepository,
    private readonly runner: JobRunner,
    private readonly outcomes: CommandOutcomes,
  ) {}

  /** True when the command already started its job: answered again, nothing more to do. */
  async answeredAgain(command: BulkCommand): Promise<boolean> {
    const existing = await this.jobs.get(command.tenantId, command.payload.jobId);
    if (existing) {
      await this.outcomes.publish(command, 'BulkJobStarted', { job: toJobView(existing) });
    }
    return existing !== null;
  }

  /** The job's target params; undefined (and the command rejected) when its saved segment is gone. */
  async targetOf(command: BulkCommand, target: BulkTarget): Promise<BulkJobTarget | undefined> {
    const resolved = await this.resolver.resolveTarget(command.tenantId, target);
    if (resolved === null) {
      await this.outcomes.reject(command, 'segment-not-found', `segment ${target.segmentId} does not exist`);
      return undefined;
    }
    return {
      ...(target.contactIds && { contactIds: [...new Set(target.contactIds)] }),
      ...(resolved && { segment: resolved.resolved }),
    };
  }

  async start<Kind extends BulkJobKind>(
    command: BulkCommand,
    kind: Kind,
    params: JobParamsOf[Kind],
    now: Date,
  ): Promise<void> {
    const job = newJob(command.tenantId, command.payload.jobId, kind, command.actor, params, now);
    await this.jobs.insert(job);
    this.runner.wake();
    return this.outcomes.publish(command, 'BulkJobStarted', { job: toJobView(job) });
  }
}
