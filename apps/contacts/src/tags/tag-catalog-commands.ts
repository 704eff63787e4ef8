import { Injectable } from '@nestjs/common';
import type { TagView, TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { JobRunner } from '../jobs/job-runner';
import { newJob, toJobView } from '../jobs/job.schema';
import { JobsRepository } from '../jobs/jobs.repository';
import { defaultColour, tagDocumentId, toTagView, type Tag } from './tag.schema';
import { TagCatalogRepository } from './tag-catalog.repository';
import { tagNameKey } from '@switchboard/contracts';

/** The job a catalog command starts: one per command, so a redelivery finds it. */
const jobIdOf = (commandId: string) => `j_${commandId}`;

/**
 * Creates, changes and deletes catalog tags. All catalog commands of a tenant share one key,
 * so they are decided one after another; names stay unique through the catalog's unique name
 * key even against contacts tagged at the same moment.
 */
@Injectable()
export class TagCatalogCommands {
  constructor(
    private readonly catalog: TagCatalogRepository,
    private readonly jobs: JobsRepository,
    private readonly runner: JobRunner,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async create(command: TenantCommandOf<'tag.create'>): Promise<void> {
    const { tenantId, payload } = command;
    const existing = await this.catalog.get(tenantId, payload.tagId);
    if (existing) {
      return this.outcomes.publish(command, 'TagCreated', { tag: await this.viewOf(existing) }); // redelivered
    }
    if (await this.catalog.findByName(tenantId, payload.name)) {
      return this.rejectNameTaken(command, payload.name);
    }
    const tag = {
      _id: tagDocumentId(tenantId, payload.tagId),
      tenantId,
      tagId: payload.tagId,
      name: payload.name,
      nameKey: tagNameKey(payload.name),
      colour: payload.colour ?? defaultColour(payload.name),
      ...(payload.description && { description: payload.description }),
      usage: 0,
      createdAt: new Date(),
    };
    // The unique name key settles a race with a tag created by tagging at the same moment.
    if (!(await this.catalog.insert(tag))) {
      return this.rejectNameTaken(command, payload.name);
    }
    return this.outcomes.publish(command, 'TagCreated', { tag: toTagView(tag, 0) });
  }

  /** A new spelling reaches every tagged contact through a `tag-rename` job. */
  async update(command: TenantCommandOf<'tag.update'>): Promise<void> {
    const { tenantId, payload, commandId } = command;
    const tag = await this.catalog.get(tenantId, payload.tagId);
    if (!tag || tag.deletedAt) {
      return this.outcomes.reject(command, 'tag-not-found', `tag ${payload.tagId} does not exist`);
    }
    const { name, colour, description } = payload;
    const holder = name === undefined ? null : await this.catalog.findByName(tenantId, name);
    if (holder && holder.tagId !== tag.tagId) {
      return this.rejectNameTaken(command, name!);
    }
    // The unique name key settles a race with a tag created by tagging at the same moment.
    if (!(await this.catalog.update(tag, { name, colour, description }))) {
      return this.rejectNameTaken(command, name!);
    }
    // Whenever a name is given, even the same one: a redelivery after a crash finds the catalog
    // already renamed, and the job must still run. A job with nothing to do ends at once.
    const renamed = name !== undefined;
    if (renamed) {
      // After the catalog change: the job brings contacts in line with the catalog's name.
      await this.jobs.insert(
        newJob(tenantId, jobIdOf(commandId), 'tag-rename', command.actor, { tagId: tag.tagId }, new Date()),
      );
      this.runner.wake();
    }
    const updated = (await this.catalog.get(tenantId, payload.tagId))!;
    return this.outcomes.publish(command, 'TagUpdated', {
      tag: await this.viewOf(updated),
      ...(renamed && { jobId: jobIdOf(commandId) }),
    });
  }

  private async viewOf(tag: Tag): Promise<TagView> {
    const [view] = await this.catalog.views(tag.tenantId, [tag]);
    return view;
  }

  private rejectNameTaken(command: TenantCommandOf<'tag.create' | 'tag.update'>, name: string) {
    return this.outcomes.reject(
      command,
      'tag-name-taken',
      `the catalog already has a tag named ${name.trim()}`,
    );
  }

  /** The tag leaves the catalog at once (its name is free again); a `tag-delete` job untags every contact. */
  async delete(command: TenantCommandOf<'tag.delete'>): Promise<void> {
    const { tenantId, payload, commandId } = command;
    const tag = await this.catalog.get(tenantId, payload.tagId);
    if (!tag || (tag.deletedAt && tag.deletedByCommand !== commandId)) {
      return this.outcomes.reject(command, 'tag-not-found', `tag ${payload.tagId} does not exist`);
    }
    const now = new Date();
    await this.catalog.markDeleted(tag, commandId, now);
    await this.jobs.insert(
      newJob(tenantId, jobIdOf(commandId), 'tag-delete', command.actor, { tagId: tag.tagId }, now),
    );
    this.runner.wake();
    return this.outcomes.publish(command, 'TagDeleted', {
      tag: await this.viewOf(tag),
      jobId: jobIdOf(commandId),
    });
  }

  /**
   * Merges a tag into another. The merged tag leaves the catalog at once, like a deletion (its
   * name is free again), recording which tag took its place: saved segments that pinned it
   * resolve to that tag. A `tag-merge` job moves every contact that carries it.
   */
  async merge(command: TenantCommandOf<'tag.merge'>): Promise<void> {
    const { tenantId, payload, commandId } = command;
    if (payload.tagId === payload.into) {
      return this.outcomes.reject(command, 'validation-failed', 'a tag cannot be merged into itself');
    }
    const tag = await this.catalog.get(tenantId, payload.tagId);
    const redelivered = tag?.deletedAt !== undefined && tag.deletedByCommand === commandId;
    if (!tag || (tag.deletedAt && !redelivered)) {
      return this.outcomes.reject(command, 'tag-not-found', `tag ${payload.tagId} does not exist`);
    }
    const into = await this.catalog.get(tenantId, payload.into);
    // A redelivery checked the target the first time; later catalog commands may have changed it since.
    if (!redelivered && (!into || into.deletedAt)) {
      return this.outcomes.reject(
        command,
        'merge-target-not-found',
        `tag ${payload.into}, to merge ${payload.tagId} into, does not exist`,
      );
    }
    const now = new Date();
    await this.catalog.markMerged(tag, payload.into, commandId, now);
    const jobId = jobIdOf(commandId);
    await this.jobs.insert(
      newJob(tenantId, jobId, 'tag-merge', command.actor, { tagId: tag.tagId, intoTagId: payload.into }, now),
    );
    this.runner.wake();
    const job = (await this.jobs.get(tenantId, jobId))!;
    return this.outcomes.publish(command, 'TagMerged', {
      tag: await this.viewOf(tag),
      into: await this.viewOf(into!),
      job: toJobView(job),
    });
  }
}
