import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { TenantCommandOutcomes } from '../commands/tenant-command-outcomes';
import { JobRunner } from '../jobs/job-runner';
import { newJob } from '../jobs/job.schema';
import { JobsRepository } from '../jobs/jobs.repository';
import { storedDefinition } from '../segments/segment-query';
import { SegmentResolver } from '../segments/segment-resolver';
import { SegmentsRepository } from '../segments/segments.repository';
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
    private readonly segments: SegmentsRepository,
    private readonly resolver: SegmentResolver,
    private readonly jobs: JobsRepository,
    private readonly runner: JobRunner,
    private readonly outcomes: TenantCommandOutcomes,
  ) {}

  async create(command: TenantCommandOf<'campaign.create'>): Promise<void> {
    const { tenantId, payload } = command;
    const existing = await this.campaigns.get(tenantId, payload.campaignId);
    if (existing) {
      return this.outcomes.publish(command, 'CampaignCreated', { campaign: toCampaignView(existing) });
    }
    let definition = payload.segment;
    if (payload.segmentId) {
      const saved = await this.segments.find(tenantId, payload.segmentId);
      if (!saved) {
        return this.outcomes.reject(
          command,
          'segment-not-found',
          `segment ${payload.segmentId} does not exist`,
        );
      }
      definition = saved.definition;
    }
    const now = new Date();
    const campaign = {
      _id: campaignDocumentId(tenantId, payload.campaignId),
      tenantId,
      campaignId: payload.campaignId,
      name: payload.name,
      message: { text: payload.message.text },
      ...(payload.segmentId && { segmentId: payload.segmentId }),
      segment: storedDefinition(definition!),
      resolvedSegment: await this.resolver.resolve(tenantId, definition!),
      includeBlocked: payload.includeBlocked ?? false,
      status: 'dispatching' as const,
      counts: { resolved: 0, published: 0, excluded: 0 },
      createdBy: command.actor.id,
      createdAt: now,
    };
    // The job first: a campaign document always has its job, even after a crash in between.
    await this.jobs.insert(
      newJob(
        tenantId,
        dispatchJobId(payload.campaignId),
        'campaign-dispatch',
        command.actor,
        {
          campaignId: payload.campaignId,
        },
        now,
      ),
    );
    await this.campaigns.insert(campaign);
    this.runner.wake();
    return this.outcomes.publish(command, 'CampaignCreated', { campaign: toCampaignView(campaign) });
  }
}
