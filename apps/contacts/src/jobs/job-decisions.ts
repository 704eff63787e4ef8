import { Injectable } from '@nestjs/common';
import type { Contact } from '../contacts/contact.schema';
import { decideBlockRequest, decideUnblockRequest } from '../contacts/block-decisions';
import {
  decideAddTags,
  decideMergeTag,
  decideRemoveTagIds,
  decideRenameTag,
  type Decision,
} from '../contacts/contact-decisions';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import type { Job } from './job.schema';

/** What a job does to one contact, decided by the contact's writer. */
export type Decide = (current: Contact | null, contactId: string, now: Date) => Decision;

/** The decision of a step whose tag is gone. */
export const unchanged: Decide = () => ({
  kind: 'apply',
  eventType: 'ContactUpdated',
  changed: false,
  changes: {},
});

/**
 * The decision of each kind of contact job. The catalog is read when it is asked, so a long job
 * does not write back a spelling a later rename replaced, or a tag deleted meanwhile.
 */
@Injectable()
export class JobDecisions {
  constructor(private readonly catalog: TagCatalogRepository) {}

  /** What the job does to one contact; undefined when its tag no longer exists. */
  async of(job: Job): Promise<Decide | undefined> {
    switch (job.kind) {
      case 'tag-rename': {
        const tag = await this.catalog.get(job.tenantId, job.params.tagId);
        if (!tag || tag.deletedAt) {
          return undefined;
        }
        return (current, contactId) =>
          decideRenameTag(current, contactId, { tagId: tag.tagId, name: tag.name });
      }
      case 'tag-delete': {
        const { tagId } = job.params;
        return (current, contactId) => decideRemoveTagIds(current, contactId, [tagId]);
      }
      case 'tag-merge': {
        // The target as the catalog has it now: its latest spelling, or the tag it was merged
        // into since; when it was deleted since, the merged tag just goes, as the target did.
        const { tagId, intoTagId } = job.params;
        const into = await this.catalog.live(job.tenantId, intoTagId);
        if (!into) {
          return (current, contactId) => decideRemoveTagIds(current, contactId, [tagId]);
        }
        const target = { tagId: into.tagId, name: into.name };
        return (current, contactId) => decideMergeTag(current, contactId, tagId, target);
      }
      case 'bulk-tag': {
        const live = await this.catalog.findByIds(
          job.tenantId,
          job.params.tags.map((tag) => tag.tagId),
        );
        return (current, contactId) => decideAddTags(current, contactId, live);
      }
      case 'bulk-untag': {
        const tagIds = job.params.tags.map((tag) => tag.tagId);
        return (current, contactId) => decideRemoveTagIds(current, contactId, tagIds);
      }
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
}
