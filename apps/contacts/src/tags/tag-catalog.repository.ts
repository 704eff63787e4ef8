import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import { tagNameKey, type TagView } from '@switchboard/contracts';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { releasedNameKey } from '../store/name-key';
import { defaultColour, Tag, tagDocumentId, toTagView } from './tag.schema';
import { TagUsageRepository } from './tag-usage.repository';

/** A tag as a contact carries it: the stable id and the catalog's spelling. */
export interface CarriedTag {
  tagId: string;
  name: string;
}

/** Merges followed from a merged tag to the live one (a merge into a merged tag is refused). */
const MERGE_HOPS_MAX = 8;
export function newTagId(): string {
  return `t_${randomBytes(9).toString('base64url')}`;
}

/** The tag catalog of one tenant at a time. */
@Injectable()
export class TagCatalogRepository {
  constructor(
    @InjectModel(Tag.name) private readonly tags: Model<Tag>,
    private readonly usageShares: TagUsageRepository,
  ) {}

  /**
   * Makes sure every name is in the catalog, adding unknown ones with a palette colour, and
   * returns each name's tag in the order given. Concurrent first uses of a name agree on one
   * tag: the unique name key lets one insert win, the others read the winner.
   */
  async ensure(tenantId: string, names: string[], now: Date): Promise<CarriedTag[]> {
    return Promise.all(
      names.map(async (name) => {
        for (;;) {
          const existing = await this.findByName(tenantId, name);
          if (existing) {
            return { tagId: existing.tagId, name: existing.name };
          }
          const tagId = newTagId();
          const created = await this.insert({
            _id: tagDocumentId(tenantId, tagId),
            tenantId,
            tagId,
            name,
            nameKey: tagNameKey(name),
            colour: defaultColour(name),
            usage: 0,
            createdAt: now,
          });
          if (created) {
            return { tagId, name };
          }
        }
      }),
    );
  }

  /** Inserts a catalog entry; false when its id or its name is taken. */
  async insert(tag: Tag): Promise<boolean> {
    try {
      await this.tags.create(tag);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }
      throw error;
    }
  }

  /** A tag by id, deleted ones included. */
  get(tenantId: string, tagId: string): Promise<Tag | null> {
    return this.tags.findById(tagDocumentId(tenantId, tagId)).lean<Tag>().exec();
  }

  /**
   * The live tag an id stands for now: the tag itself, or the tag it was merged into (through
   * later merges too). Null when it was deleted, or merged into a tag deleted since.
   */
  async live(tenantId: string, tagId: string): Promise<Tag | null> {
    let tag = await this.get(tenantId, tagId);
    for (let hops = 0; tag?.mergedInto && hops < MERGE_HOPS_MAX; hops++) {
      tag = await this.get(tenantId, tag.mergedInto);
    }
    return tag && !tag.deletedAt ? tag : null;
  }

  /** The live tag with this name, regardless of case. */
  findByName(tenantId: string, name: string): Promise<Tag | null> {
    return this.tags
      .findOne({ tenantId, nameKey: tagNameKey(name) })
      .lean<Tag>()
      .exec();
  }

  /** Live catalog entries of these ids, in the order given; unknown and deleted ids are left out. */
  async findByIds(tenantId: string, tagIds: string[]): Promise<TagView[]> {
    const tags = await Promise.all(tagIds.map((tagId) => this.get(tenantId, tagId)));
    return this.views(
      tenantId,
      tags.filter((tag): tag is Tag => tag !== null && !tag.deletedAt),
    );
  }

  /** The live tags of these names (by name key); unknown names are left out. */
  async findByNames(tenantId: string, names: string[]): Promise<Map<string, Tag>> {
    const keys = [...new Set(names.map(tagNameKey))];
    const tags = await Promise.all(
      keys.map((key) => this.tags.findOne({ tenantId, nameKey: key }).lean<Tag>().exec()),
    );
    return new Map(tags.filter((tag): tag is Tag => tag !== null).map((tag) => [tag.nameKey, tag]));
  }

  async list(tenantId: string): Promise<TagView[]> {
    const tags = await this.tags
      .find({ tenantId, deletedAt: { $exists: false } })
      .sort({ nameKey: 1 })
      .limit(5_000)
      .lean<Tag[]>()
      .exec();
    return this.views(tenantId, tags, 'catalog');
  }

  /**
   * The tags as the API shows them, with their usage counts (read for these tags, or for the
   * whole catalog at once when `tags` is the catalog).
   */
  async views(
    tenantId: string,
    tags: readonly Tag[],
    scope: 'these' | 'catalog' = 'these',
  ): Promise<TagView[]> {
    const usage = await this.usage(tenantId, tags, scope);
    return tags.map((tag) => toTagView(tag, usage.get(tag.tagId) ?? 0));
  }

  /**
   * How many contacts carry each of the tags, by tag id: the count kept before usage shares
   * existed (`Tag.usage`) plus the shares counted since.
   */
  async usage(
    tenantId: string,
    tags: readonly Tag[],
    scope: 'these' | 'catalog' = 'these',
  ): Promise<Map<string, number>> {
    const counted = await this.usageShares.totals(
      tenantId,
      scope === 'catalog' ? undefined : tags.map((tag) => tag.tagId),
    );
    return new Map(
      tags.map((tag) => [tag.tagId, Math.max((tag.usage ?? 0) + (counted.get(tag.tagId) ?? 0), 0)]),
    );
  }

  /**
   * Changes name, colour or description (`null` clears the description). False when the new
   * name belongs to another tag.
   */
  async update(
    tag: Tag,
    changes: { name?: string; colour?: string; description?: string | null },
  ): Promise<boolean> {
    const set = {
      ...(changes.name !== undefined && { name: changes.name, nameKey: tagNameKey(changes.name) }),
      ...(changes.colour !== undefined && { colour: changes.colour }),
      ...(typeof changes.description === 'string' && { description: changes.description }),
    };
    const unset = changes.description === null ? { description: 1 } : undefined;
    if (Object.keys(set).length === 0 && !unset) {
      return true;
    }
    try {
      await this.tags
        .updateOne(
          { _id: tag._id },
          { ...(Object.keys(set).length > 0 && { $set: set }), ...(unset && { $unset: unset }) },
        )
        .exec();
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Takes the tag out of the catalog and frees its name; the document stays for redeliveries. */
  async markDeleted(tag: Tag, commandId: string, now: Date): Promise<void> {
    await this.tags
      .updateOne(
        { _id: tag._id },
        { $set: { deletedAt: now, deletedByCommand: commandId, nameKey: releasedNameKey(tag.tagId) } },
      )
      .exec();
  }

  /** Takes the tag out of the catalog as merged into `into`, and frees its name. */
  async markMerged(tag: Tag, into: string, commandId: string, now: Date): Promise<void> {
    await this.tags
      .updateOne(
        { _id: tag._id },
        {
          $set: {
            deletedAt: now,
            deletedByCommand: commandId,
            mergedInto: into,
            nameKey: releasedNameKey(tag.tagId),
          },
        },
      )
      .exec();
  }
}
