import { Inject, Injectable } from '@nestjs/common';
import { contactKey, type CampaignCounts, type JobKind, type TopicNames } from '@switchboard/contracts';
import { KafkaProducer, TOPICS, type OutboundRecord } from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { ContactsSettings } from '../contacts-settings';
import type { JobProgress } from '../jobs/jobs.repository';
import { progressOf, type JobRun, type JobWork } from '../jobs/job-work';
import { SegmentIndex } from '../segments/index/segment-index';
import type { TenantSegmentIndex } from '../segments/index/tenant-segment-index';
import { activityConditions } from '../segments/segment-expression';
import { segmentCondition, type ResolvedSegment } from '../segments/segment-query';
import { sliceInto } from '../store/bounded-bulk';
import type { Campaign, CampaignAudiencePart } from './campaign.schema';
import { DispatchRecordWriter } from './campaign-dispatch-record';
import { CampaignsRepository } from './campaigns.repository';

/** Parts published at once: kafkajs encodes one while the broker acknowledges the others. */
const PARTS_IN_FLIGHT = 3;

const recipientsPublished = counter({
  name: 'switchboard_campaign_recipients_published_total',
  help: 'Campaign dispatch records published (first publications; resumed runs may repeat some)',
});

/**
 * Resolves a campaign's audience in the segment index and publishes one record per recipient
 * to `campaigns.dispatch`, a part of `CAMPAIGN_DISPATCH_CHUNK` recipients at a time.
 *
 * The first run resolves the audience once and writes it in parts (`CampaignAudiencePart`).
 * Up to PARTS_IN_FLIGHT parts are published at once while the next is read and built. Per
 * part: publish its recipients (acknowledged by every replica), with their identities and
 * block state as the index has them now, then record what the part counted, then save the
 * counts. A part counts once: when its counts are recorded. A run that resumes after a crash
 * starts its counts from the recorded parts and publishes the parts not recorded yet; what was
 * published before may be published again (same `dispatchId`, for consumers to drop), but
 * nobody is lost and nobody is counted twice.
 */
@Injectable()
export class CampaignDispatchWork implements JobWork {
  readonly kinds: readonly JobKind[] = ['campaign-dispatch'];

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly producer: KafkaProducer,
    private readonly settings: ContactsSettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
    private readonly index: SegmentIndex,
  ) {}

  async run(run: JobRun): Promise<{ outcome: 'completed' | 'interrupted'; progress: JobProgress }> {
    const { job } = run;
    if (job.kind !== 'campaign-dispatch') {
      throw new Error(`not a campaign job: ${job.kind}`);
    }
    let progress = progressOf(job);
    const campaign = await this.campaigns.get(job.tenantId, job.params.campaignId);
    if (!campaign) {
      return { outcome: 'completed', progress }; // created by a command that crashed before the campaign was written
    }
    if (campaign.status === 'dispatched') {
      return { outcome: 'completed', progress };
    }
    // The first run starts from zero; a resumed run from what is recorded.
    const counts =
      job.runs > 1
        ? await this.campaigns.countRecorded(campaign.tenantId, campaign.campaignId)
        : { resolved: 0, published: 0, excluded: 0 };
    progress = {
      position: 0,
      processed: counts.resolved,
      changed: counts.published,
      skipped: counts.excluded,
    };
    if (!campaign.resolvedSegment.matchesNothing) {
      const index = await this.index.current(campaign.tenantId, {
        activity: activityConditionsOf(campaign.resolvedSegment),
        whileLoading: 'wait',
      });
      const parts = campaign.audienceParts ?? (await this.resolveAudience(campaign, index));
      const publishing = new PartsInFlight(PARTS_IN_FLIGHT);
      for (let part = 0; part < parts; part++) {
        const audience = await this.campaigns.audiencePart(campaign, part);
        if (audience.published !== undefined) {
          continue; // sent and counted by an earlier run
        }
        const built = this.recordsOf(campaign, index, audience);
        if (await publishing.roomAfterOne()) {
          await this.saveCounts(campaign, counts, progress, run);
        }
        if (!run.shouldContinue()) {
          await publishing.all();
          await this.saveCounts(campaign, counts, progress, run);
          return { outcome: 'interrupted', progress };
        }
        publishing.add(this.publish(campaign, audience.part, built, counts, progress));
      }
      await publishing.all();
      await this.saveCounts(campaign, counts, progress, run);
    }
    await this.campaigns.markDispatched(campaign, counts, new Date());
    return { outcome: 'completed', progress };
  }

  /** Writes the audience the segment holds now, in parts; returns how many. */
  private async resolveAudience(campaign: Campaign, index: TenantSegmentIndex): Promise<number> {
    const condition = segmentCondition(campaign.resolvedSegment);
    const contactIds = index.contactIdsOf(index.members(condition));
    return this.campaigns.saveAudience(
      campaign,
      sliceInto(contactIds, this.settings.CAMPAIGN_DISPATCH_CHUNK),
    );
  }

  /** A part's records, from the recipients as the index has them now; who is left out. */
  private recordsOf(
    campaign: Campaign,
    index: TenantSegmentIndex,
    audience: CampaignAudiencePart,
  ): { records: OutboundRecord[]; excluded: number } {
    const { tenantId, campaignId } = campaign;
    const writer = new DispatchRecordWriter(campaign, new Date().toISOString());
    const records: OutboundRecord[] = [];
    let excluded = 0;
    for (const contactId of audience.contactIds.split('\n')) {
      const recipient = index.recipientOf(contactId);
      if (!recipient || (recipient.blocked && !campaign.includeBlocked)) {
        excluded++;
        continue;
      }
      records.push({
        topic: this.topics.campaignDispatch,
        key: contactKey(tenantId, contactId),
        value: writer.valueOf(contactId, recipient.identities),
        headers: { 'campaign-id': campaignId },
      });
    }
    return { records, excluded };
  }

  /** Publishes a part, then records what it counted and counts it. */
  private async publish(
    campaign: Campaign,
    part: number,
    { records, excluded }: { records: OutboundRecord[]; excluded: number },
    counts: CampaignCounts,
    progress: JobProgress,
  ): Promise<void> {
    await this.producer.send(records);
    await this.campaigns.markPartSent(campaign, part, { published: records.length, excluded });
    recipientsPublished.inc(records.length);
    counts.published += records.length;
    counts.excluded += excluded;
    counts.resolved = counts.published + counts.excluded;
    progress.position = Math.max(progress.position, part + 1);
    progress.processed += records.length + excluded;
    progress.changed += records.length;
    progress.skipped += excluded;
  }

  /** Saves the counts and the progress (one save at a time: the store's updates are not atomic). */
  private async saveCounts(
    campaign: Campaign,
    counts: CampaignCounts,
    progress: JobProgress,
    run: JobRun,
  ): Promise<void> {
    await Promise.all([
      this.campaigns.saveCounts(campaign, { ...counts }),
      run.saveProgress({ ...progress }),
    ]);
  }
}

/**
 * The parts being published: up to `limit` at once, each counted once its records are
 * acknowledged; a failure is thrown from the next wait.
 */
class PartsInFlight {
  private readonly pending: Promise<void>[] = [];
  private failure?: Error;

  constructor(private readonly limit: number) {}

  add(publishing: Promise<void>): void {
    this.pending.push(
      publishing.catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }

  /** Waits for the oldest part when all the room is taken; true when one ended. */
  async roomAfterOne(): Promise<boolean> {
    if (this.pending.length < this.limit) {
      return false;
    }
    await this.pending.shift();
    this.throwIfFailed();
    return true;
  }

  async all(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }
}

function activityConditionsOf(segment: ResolvedSegment): boolean {
  return segment.match !== undefined && activityConditions(segment.match).length > 0;
}
