import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { BulkJobStarter } from './bulk-job-starter';

/**
 * Starts bulk tagging jobs. Tag names and the segment are resolved to catalog ids once, here:
 * the job then works on the same tags and the same tag tests however long it runs.
 */
@Injectable()
export class BulkTaggingCommands {
  constructor(
    private readonly catalog: TagCatalogRepository,
    private readonly bulkJobs: BulkJobStarter,
  ) {}

  async start(command: TenantCommandOf<'bulk.tag'>): Promise<void> {
    const { tenantId, payload } = command;
    if (await this.bulkJobs.answeredAgain(command)) {
      return; // redelivered
    }
    const target = await this.bulkJobs.targetOf(command, payload);
    if (!target) {
      return;
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
    return this.bulkJobs.start(
      command,
      payload.action === 'add' ? 'bulk-tag' : 'bulk-untag',
      { tags, ...target },
      now,
    );
  }
}
