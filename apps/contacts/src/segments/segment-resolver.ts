import { Injectable } from '@nestjs/common';
import type { FilterQuery } from 'mongoose';
import type { SegmentDefinition } from '@switchboard/contracts';
import type { Contact } from '../contacts/contact.schema';
import { IdentityActivityRepository } from '../messages/identity-activity.repository';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { activityConditions, activityKey, type ActivityKeys } from './segment-expression';
import {
  definitionTagNames,
  resolveSegment,
  segmentFilter,
  type ResolvedSegment,
  type TagLookup,
} from './segment-query';
import type { Segment } from './segment.schema';
import { SegmentsRepository } from './segments.repository';

/**
 * What a resolved segment is for: a store query orders its tags by selectivity (from the
 * catalog's usage counts, one more read); the segment index needs no order.
 */
export type ResolvedFor = 'store-query' | 'index';

/** Resolves a segment definition's tag names against the tenant's catalog. */
@Injectable()
export class SegmentResolver {
  constructor(
    private readonly catalog: TagCatalogRepository,
    private readonly segments: SegmentsRepository,
    private readonly messages: IdentityActivityRepository,
  ) {}

  /**
   * `pinned` maps lower-case names to the tag ids they had when a segment was saved: those names
   * keep meaning those tags after a rename, the tag it was merged into after a merge, and
   * nothing once the tag is deleted.
   */
  async resolve(
    tenantId: string,
    definition: SegmentDefinition,
    pinned: Record<string, string> = {},
    resolvedFor: ResolvedFor = 'store-query',
  ): Promise<ResolvedSegment> {
    const names = definitionTagNames(definition);
    const pinnedIds = Object.values(pinned);
    const [byName, pinnedTags] = await Promise.all([
      this.catalog.findByNames(tenantId, names),
      // A pinned tag merged since stands for the tag it was merged into.
      Promise.all(pinnedIds.map((tagId) => this.catalog.live(tenantId, tagId))),
    ]);
    // Usage orders the tags by selectivity for a store query.
    const usage =
      resolvedFor === 'index'
        ? new Map<string, number>()
        : await this.catalog.usage(tenantId, [
            ...byName.values(),
            ...pinnedTags.filter((tag): tag is NonNullable<typeof tag> => tag !== null),
          ]);
    const lookup = new Map<string, TagLookup>(
      [...byName].map(([key, tag]) => [key, { tagId: tag.tagId, usage: usage.get(tag.tagId) ?? 0 }]),
    );
    const live = new Map(pinnedIds.map((tagId, index) => [tagId, pinnedTags[index]]));
    for (const [key, tagId] of Object.entries(pinned)) {
      const tag = live.get(tagId);
      if (tag) {
        lookup.set(key, { tagId: tag.tagId, usage: usage.get(tag.tagId) ?? 0 });
      } else {
        lookup.delete(key);
      }
    }
    return resolveSegment(definition, lookup);
  }

  /**
   * The store query of a resolved segment. Message activity lives in `identity_activity`, which
   * no contact query can join (FerretDB has no `$lookup`): each activity condition is looked up
   * there first, as the `_id`s of the contacts it holds, and the contact query tests those.
   */
  async filterOf(tenantId: string, segment: ResolvedSegment): Promise<FilterQuery<Contact>> {
    return segmentFilter(tenantId, segment, await this.activityOf(tenantId, segment));
  }

  /** The contacts each activity condition of the segment holds (see `filterOf`). */
  async activityOf(tenantId: string, segment: ResolvedSegment): Promise<ActivityKeys> {
    const conditions = segment.match ? activityConditions(segment.match) : [];
    const keys = await Promise.all(
      conditions.map((condition) => this.messages.contactKeysWith(tenantId, condition)),
    );
    return new Map(conditions.map((condition, index) => [activityKey(condition), keys[index]]));
  }

  resolveSaved(segment: Segment, resolvedFor: ResolvedFor = 'store-query'): Promise<ResolvedSegment> {
    return this.resolve(segment.tenantId, segment.definition, segment.pinnedTags ?? {}, resolvedFor);
  }

  /**
   * The segment a bulk job or campaign names: a saved one by id, or an inline definition.
   * Null when the saved segment does not exist; undefined when none is named.
   */
  async resolveTarget(
    tenantId: string,
    target: { segmentId?: string; segment?: SegmentDefinition },
    resolvedFor: ResolvedFor = 'store-query',
  ): Promise<{ definition: SegmentDefinition; resolved: ResolvedSegment } | null | undefined> {
    if (target.segmentId !== undefined) {
      const saved = await this.segments.find(tenantId, target.segmentId);
      return saved && { definition: saved.definition, resolved: await this.resolveSaved(saved, resolvedFor) };
    }
    return (
      target.segment && {
        definition: target.segment,
        resolved: await this.resolve(tenantId, target.segment, {}, resolvedFor),
      }
    );
  }

  /** The tag ids a definition's names have now, to pin when it is saved. */
  async pin(tenantId: string, definition: SegmentDefinition): Promise<Record<string, string>> {
    const names = definitionTagNames(definition);
    const tags = await this.catalog.findByNames(tenantId, names);
    return Object.fromEntries([...tags].map(([key, tag]) => [key, tag.tagId]));
  }
}
