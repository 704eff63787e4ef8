import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { blockExpiry, blockPolicyRefusal } from '../contacts/block-decisions';
import { SegmentResolver } from '../segments/segment-resolver';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { JobRunner } from './job-runner';
import { newJob, toJobView } from './job.schema';
import { JobsRepository } from './jobs.repository';

/**
 * Starts bulk block and unblock jobs. The tenant's block policy is checked here, for the
 * job's requester; the segment is resolved and a duration turned into one expiry for every
 * contact, once, so the job works on the same audience and block however long it runs.
 */
@Injectable()
export class BulkBlockingCommands {
  constructor(
    private readonly resolver: SegmentResolver,
    private readonly settings: TenantSettingsRepository,
    private readonly jobs: JobsRepository,
    private readonly runner: JobRunner,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async start(command: TenantCommandOf<'bulk.block'>): Promise<void> {
    const { tenantId, payload } = command;
    const existing = await this.jobs.get(tenantId, payload.jobId);
    if (existing) {
      return this.outcomes.publish(command, 'BulkJobStarted', { job: toJobView(existing) }); // redelivered
    }
    const refusal = blockPolicyRefusal(
      await this.settings.blockPolicy(tenantId),
      command.actor,
      payload.action,
      payload.reason,
    );
    if (refusal) {
      return this.outcomes.reject(command, refusal.code, refusal.reason);
    }
    const now = new Date();
    const until = blockExpiry(payload, now);
    if (typeof until === 'string') {
      return this.outcomes.reject(command, 'validation-failed', until);
    }
    const target = await this.resolver.resolveTarget(tenantId, payload);
    if (target === null) {
      return this.outcomes.reject(
        command,
        'segment-not-found',
        `segment ${payload.segmentId} does not exist`,
      );
    }
    const job = newJob(
      tenantId,
      payload.jobId,
      payload.action === 'block' ? 'bulk-block' : 'bulk-unblock',
      command.actor,
      {
        block: {
          ...(payload.reason !== undefined && { reason: payload.reason }),
          ...(until && { until }),
        },
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
