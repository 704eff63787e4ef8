import type { FilterQuery } from 'mongoose';
import type { SegmentAttributeValue, SegmentDefinition } from '@switchboard/contracts';
import type { Contact } from '../contacts/contact.schema';

/**
 * A segment with its tag names resolved to catalog ids. Names no tag has: in `all`, nothing
 * can match (`matchesNothing`); in `any` and `none` they change nothing.
 */
export interface ResolvedSegment {
  all: string[];
  any: string[];
  none: string[];
  blocked?: boolean;
  attributes?: Record<string, SegmentAttributeValue>;
  matchesNothing: boolean;
}

/** How a tag name resolves: its id and how many contacts carry it (to pick the most selective). */
export interface TagLookup {
  tagId: string;
  usage: number;
}

/** Resolves a definition's names with `lookup` (keyed by lower-case name). */
export function resolveSegment(
  definition: SegmentDefinition,
  lookup: ReadonlyMap<string, TagLookup>,
): ResolvedSegment {
  const resolve = (names: string[] | undefined) =>
    (names ?? [])
      .map((name) => lookup.get(name.trim().toLowerCase()))
      .filter((tag): tag is TagLookup => tag !== undefined)
      .sort((left, right) => left.usage - right.usage)
      .map((tag) => tag.tagId);
  const all = resolve(definition.all);
  const any = resolve(definition.any);
  const unknownAll =
    all.length < new Set((definition.all ?? []).map((name) => name.trim().toLowerCase())).size;
  const noKnownAny = (definition.any ?? []).length > 0 && any.length === 0;
  return {
    all: [...new Set(all)],
    any: [...new Set(any)],
    none: [...new Set(resolve(definition.none))],
    ...(definition.blocked !== undefined && { blocked: definition.blocked }),
    ...(definition.attributes &&
      Object.keys(definition.attributes).length > 0 && { attributes: definition.attributes }),
    matchesNothing: unknownAll || noKnownAny,
  };
}

/**
 * The store query of a resolved segment. The most selective tag (the `all` tag fewest contacts
 * carry) is a top-level equality next to the tenant: MongoDB's `{tenantId, tagIds}` index and
 * FerretDB's pushdown both narrow on it; the rest filters what it finds.
 */
export function segmentFilter(tenantId: string, segment: ResolvedSegment): FilterQuery<Contact> {
  const filter: FilterQuery<Contact> = { tenantId };
  const and: FilterQuery<Contact>[] = [];
  const [narrowest, ...otherAll] = segment.all;
  if (narrowest !== undefined) {
    filter.tagIds = narrowest;
  } else if (segment.any.length === 1) {
    filter.tagIds = segment.any[0];
  }
  for (const tagId of otherAll) {
    and.push({ tagIds: tagId });
  }
  if (segment.any.length > 1 || (segment.any.length === 1 && narrowest !== undefined)) {
    and.push({ tagIds: { $in: segment.any } });
  }
  if (segment.none.length > 0) {
    and.push({ tagIds: { $nin: segment.none } });
  }
  if (segment.blocked !== undefined) {
    filter['block.blocked'] = segment.blocked;
  }
  for (const [key, value] of Object.entries(segment.attributes ?? {})) {
    filter[`attributes.${key}`] = value;
  }
  if (and.length > 0) {
    filter.$and = and;
  }
  return filter;
}

/** Whether a contact is in the segment, evaluated in memory: the reference the query must agree with. */
export function matchesSegment(
  segment: ResolvedSegment,
  contact: Pick<Contact, 'tagIds' | 'block' | 'attributes'>,
): boolean {
  if (segment.matchesNothing) {
    return false;
  }
  const carried = new Set(contact.tagIds ?? []);
  return (
    segment.all.every((tagId) => carried.has(tagId)) &&
    (segment.any.length === 0 || segment.any.some((tagId) => carried.has(tagId))) &&
    segment.none.every((tagId) => !carried.has(tagId)) &&
    (segment.blocked === undefined || (contact.block?.blocked ?? false) === segment.blocked) &&
    Object.entries(segment.attributes ?? {}).every(([key, value]) => contact.attributes?.[key] === value)
  );
}

/** A definition as stored: only the conditions it has (no `undefined` or `null` placeholders). */
export function storedDefinition(definition: SegmentDefinition): SegmentDefinition {
  return Object.fromEntries(
    Object.entries(definition).filter(([, value]) => value !== undefined && value !== null),
  );
}

/**
 * The same segment as disjoint parts, each selecting by one tag, when its tag test is only
 * `any` of several tags: FerretDB pushes a tag equality down to its index but scans the whole
 * tenant for `$in`. Part i holds the contacts with the i-th `any` tag and none of the earlier
 * ones, so the parts' counts add up to the segment's. Undefined when one query does.
 */
export function disjointParts(segment: ResolvedSegment): ResolvedSegment[] | undefined {
  if (segment.all.length > 0 || segment.any.length < 2) {
    return undefined;
  }
  return segment.any.map((tagId, index) => ({
    ...segment,
    any: [tagId],
    none: [...segment.none, ...segment.any.slice(0, index)],
  }));
}
