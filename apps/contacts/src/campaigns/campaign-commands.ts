import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { JobRunner } from '../jobs/job-runner';
import { newJob } from '../jobs/job.schema';
import { JobsRepository } from '../jobs/jobs.repository';
import { storedDefinition } from '../segments/segment-query';
import { SegmentResolver } from '../segments/segment-resolver';
import { campaignDocumentId, toCampaignView } from './campaign.schema';
import { CampaignsRepository } from './campaigns.repository';

/** The dispatch job of a campaign. */
export const dispatchJobId = (campaignId: string) => `j_${campaignId}`;

/**
 * Creates campaigns: freezes the segment definition, then a `campaign-dispatch` job resolves
 * the audience and publishes one dispatch record per recipient.
 */
@Injectable()
export class CampaignCommands {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly resolver: SegmentResolver,
    private readonly jobs: JobsRepository,
    private readonly runner: JobRunner,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async create(command: TenantCommandOf<'campaign.create'>): Promise<void> {
    const { tenantId, payload } = command;
    const existing = await this.campaigns.get(tenantId, payload.campaignId);
    if (existing) {
      // Redelivered: the crash may have come before the job was written.
      await this.startDispatch(command);
      return this.outcomes.publish(command, 'CampaignCreated', { campaign: toCampaignView(existing) });
    }
    // The audience is resolved in the segment index when the dispatch runs.
    const target = await this.resolver.resolveTarget(tenantId, payload, 'index');
    if (!target) {
      return this.outcomes.reject(
        command,
        'segment-not-found',
        `segment ${payload.segmentId} does not exist`,
      );
    }
    const now = new Date();
    const campaign = {
      _id: campaignDocumentId(tenantId, payload.campaignId),
      tenantId,
      campaignId: payload.campaignId,
      name: payload.name,
      message: { text: payload.message.text },
      ...(payload.segmentId && { segmentId: payload.segmentId }),
      segment: storedDefinition(target.definition),
      resolvedSegment: target.resolved,
      includeBlocked: payload.includeBlocked ?? false,
      status: 'dispatching' as const,
      counts: { resolved: 0, published: 0, excluded: 0 },
      createdBy: command.actor.id,
      createdAt: now,
    };
    // The campaign first: the job finds it whenever it runs; a redelivery writes a missing job.
    await this.campaigns.insert(campaign);
    await this.startDispatch(command);
    return this.outcomes.publish(command, 'CampaignCreated', { campaign: toCampaignView(campaign) });
  }

  /** Writes the dispatch job (once: a second insert of the same id changes nothing). */
  private async startDispatch(command: TenantCommandOf<'campaign.create'>): Promise<void> {
    const { campaignId } = command.payload;
    await this.jobs.insert(
      newJob(
        command.tenantId,
        dispatchJobId(campaignId),
        'campaign-dispatch',
        command.actor,
        { campaignId },
        new Date(),
      ),
    );
    this.runner.wake();
  }
}
