import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { blockExpiry, blockPolicyRefusal } from '../contacts/block-decisions';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { BulkJobStarter } from './bulk-job-starter';

/**
 * Starts bulk block and unblock jobs. The tenant's block policy is checked here, for the
 * job's requester; the segment is resolved and a duration turned into one expiry for every
 * contact, once, so the job works on the same audience and block however long it runs.
 */
@Injectable()
export class BulkBlockingCommands {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly bulkJobs: BulkJobStarter,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async start(command: TenantCommandOf<'bulk.block'>): Promise<void> {
    const { tenantId, payload } = command;
    if (await this.bulkJobs.answeredAgain(command)) {
      return; // redelivered
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
    const target = await this.bulkJobs.targetOf(command, payload);
    if (!target) {
      return;
    }
    const block = {
      ...(payload.reason !== undefined && { reason: payload.reason }),
      ...(until && { until }),
    };
    const kind = payload.action === 'block' ? 'bulk-block' : 'bulk-unblock';
    return this.bulkJobs.start(command, kind, { block, ...target }, now);
  }
}
