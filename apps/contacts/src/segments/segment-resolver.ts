import { Injectable } from '@nestjs/common';
import type { SegmentDefinition } from '@switchboard/contracts';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import { resolveSegment, type ResolvedSegment } from './segment-query';

/** Resolves a segment definition's tag names against the tenant's catalog. */
@Injectable()
export class SegmentResolver {
  constructor(private readonly catalog: TagCatalogRepository) {}

  async resolve(tenantId: string, definition: SegmentDefinition): Promise<ResolvedSegment> {
    const names = [...(definition.all ?? []), ...(definition.any ?? []), ...(definition.none ?? [])];
    const tags = await this.catalog.findByNames(tenantId, names);
    return resolveSegment(
      definition,
      new Map([...tags].map(([key, tag]) => [key, { tagId: tag.tagId, usage: tag.usage ?? 0 }])),
    );
  }
}
