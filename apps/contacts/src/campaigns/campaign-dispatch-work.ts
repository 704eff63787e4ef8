import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  contactKey,
  type CampaignCounts,
  type CampaignDispatch,
  type JobKind,
  type TopicNames,
} from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { ContactsRepository } from '../contacts/contacts.repository';
import { ContactsSettings } from '../contacts-settings';
import type { Contact } from '../contacts/contact.schema';
import type { JobProgress } from '../jobs/jobs.repository';
import { progressOf, type JobRun, type JobWork } from '../jobs/job-work';
import { SegmentResolver } from '../segments/segment-resolver';
import type { Campaign, CampaignRecipient } from './campaign.schema';
import { CampaignsRepository } from './campaigns.repository';

/** Namespace of dispatch ids (UUIDv5 of tenant, campaign and contact). */
const DISPATCH_NAMESPACE = '8c1d0f3e-54a7-4b8e-9d6a-2f1e7b3c5a90';

const recipientsPublished = counter({
  name: 'switchboard_campaign_recipients_published_total',
  help: 'Campaign dispatch records published (first publications; resumed runs may repeat some)',
});

/**
 * Resolves a campaign's audience and publishes one record per recipient to `campaigns.dispatch`,
 * streaming the segment from a store cursor in chunks.
 *
 * Per chunk: publish the recipients (acknowledged by every replica), then record the chunk's
 * contacts as recipients or excluded, then save the counts. A recipient counts once: when its
 * record is first inserted. A run that resumes after a crash starts its counts from the
 * recorded recipients and goes over the segment again; what was published before may be
 * published again (same `dispatchId`, for consumers to drop), but nobody is lost and nobody
 * is counted twice.
 */
@Injectable()
export class CampaignDispatchWork implements JobWork {
  readonly kinds: readonly JobKind[] = ['campaign-dispatch'];

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: ContactsRepository,
    private readonly producer: KafkaProducer,
    private readonly settings: ContactsSettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
    private readonly resolver: SegmentResolver,
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
      let chunk: Pick<Contact, 'contactId' | 'identities' | 'block'>[] = [];
      const audience = this.contacts.stream(
        campaign.tenantId,
        await this.resolver.filterOf(campaign.tenantId, campaign.resolvedSegment),
        ['identities', 'block'],
      );
      for await (const contact of audience) {
        chunk.push(contact);
        if (chunk.length === this.settings.CAMPAIGN_DISPATCH_CHUNK) {
          await this.dispatch(campaign, chunk, counts, progress, run);
          chunk = [];
          if (!run.shouldContinue()) {
            return { outcome: 'interrupted', progress };
          }
        }
      }
      await this.dispatch(campaign, chunk, counts, progress, run);
    }
    await this.campaigns.markDispatched(campaign, counts, new Date());
    return { outcome: 'completed', progress };
  }

  private async dispatch(
    campaign: Campaign,
    contacts: Pick<Contact, 'contactId' | 'identities' | 'block'>[],
    counts: CampaignCounts,
    progress: JobProgress,
    run: JobRun,
  ): Promise<void> {
    if (contacts.length === 0) {
      return;
    }
    const { tenantId, campaignId } = campaign;
    const isExcluded = (contact: Pick<Contact, 'block'>) =>
      !campaign.includeBlocked && (contact.block?.blocked ?? false);
    const now = new Date().toISOString();
    const records = contacts
      .filter((contact) => !isExcluded(contact))
      .map((contact) => {
        const dispatch: CampaignDispatch = {
          dispatchId: uuidv5(`${tenantId}\n${campaignId}\n${contact.contactId}`, DISPATCH_NAMESPACE),
          campaignId,
          tenantId,
          contactId: contact.contactId,
          identities: contact.identities.map(({ channel, address }) => ({ channel, address })),
          message: campaign.message,
          createdAt: now,
        };
        return {
          topic: this.topics.campaignDispatch,
          key: contactKey(tenantId, contact.contactId),
          value: JSON.stringify(dispatch),
          headers: { 'campaign-id': campaignId },
        };
      });
    await this.producer.send(records);
    const recipients: CampaignRecipient[] = contacts.map((contact) => ({
      _id: `${tenantId}:${campaignId}:${contact.contactId}`,
      tenantId,
      campaignId,
      contactId: contact.contactId,
      excluded: isExcluded(contact),
    }));
    const fresh = await this.campaigns.record(recipients);
    recipientsPublished.inc(fresh.published);
    counts.published += fresh.published;
    counts.excluded += fresh.excluded;
    counts.resolved = counts.published + counts.excluded;
    progress.processed += fresh.published + fresh.excluded;
    progress.changed += fresh.published;
    progress.skipped += fresh.excluded;
    await this.campaigns.saveCounts(campaign, counts);
    await run.saveProgress(progress);
  }
}
