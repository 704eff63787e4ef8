import type { FilterQuery } from 'mongoose';
import type { SegmentAttributeValue, SegmentCondition, SegmentDefinition } from '@switchboard/contracts';
import type { Contact } from '../contacts/contact.schema';
import {
  conditionFilter,
  conditionTagNames,
  matchesCondition,
  ownAttribute,
  requiredTagIds,
  resolveCondition,
  type ActivityKeys,
  type ResolvedCondition,
  type TagLookup,
} from './segment-expression';

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
  /** The nested expression, resolved; absent when there is none or it holds for everyone. */
  match?: ResolvedCondition;
  matchesNothing: boolean;
}

export type { TagLookup } from './segment-expression';

/** Resolves a definition's names with `lookup` (keyed by lower-case name). */
export function resolveSegment(
  definition: SegmentDefinition,
  lookup: ReadonlyMap<string, TagLookup>,
  now = new Date(),
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
  const match = definition.match === undefined ? true : resolveCondition(definition.match, lookup, now);
  return {
    all: [...new Set(all)],
    any: [...new Set(any)],
    none: [...new Set(resolve(definition.none))],
    ...(definition.blocked !== undefined && { blocked: definition.blocked }),
    ...(definition.attributes &&
      Object.keys(definition.attributes).length > 0 && { attributes: definition.attributes }),
    ...(typeof match === 'object' && { match }),
    matchesNothing: unknownAll || noKnownAny || match === false,
  };
}

/** Every tag name a definition uses, in its flat fields and its expression. */
export function definitionTagNames(definition: SegmentDefinition): string[] {
  return [
    ...(definition.all ?? []),
    ...(definition.any ?? []),
    ...(definition.none ?? []),
    ...(definition.match ? conditionTagNames(definition.match) : []),
  ];
}

/** Whether a definition tests message activity (its `match` has a `lastMessageAt` condition). */
export function definitionHasActivity(definition: SegmentDefinition): boolean {
  const tests = (node: SegmentCondition): boolean =>
    node.lastMessageAt !== undefined ||
    [...(node.and ?? []), ...(node.or ?? []), ...(node.not ? [node.not] : [])].some(tests);
  return definition.match !== undefined && tests(definition.match);
}

/**
 * The store query of a resolved segment. The most selective tag (the `all` tag fewest contacts
 * carry, else a tag the expression requires at its top level) is a top-level equality next to
 * the tenant: MongoDB's `{tenantId, tagIds}` index and FerretDB's pushdown both narrow on it;
 * the rest filters what it finds. `activity` holds the contacts of the expression's message
 * activity conditions (see `SegmentResolver.filterOf`); everything else stays under `$and`, so
 * callers may add a top-level `$or` of their own.
 */
export function segmentFilter(
  tenantId: string,
  segment: ResolvedSegment,
  activity: ActivityKeys = new Map(),
): FilterQuery<Contact> {
  const filter: FilterQuery<Contact> = { tenantId };
  const and: FilterQuery<Contact>[] = [];
  const [narrowest, ...otherAll] = segment.all;
  const [required] = segment.match ? requiredTagIds(segment.match) : [];
  if (narrowest !== undefined) {
    filter.tagIds = narrowest;
  } else if (segment.any.length === 1) {
    filter.tagIds = segment.any[0];
  } else if (required !== undefined) {
    filter.tagIds = required;
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
  if (segment.match) {
    and.push(conditionFilter(segment.match, activity));
  }
  if (and.length > 0) {
    filter.$and = and;
  }
  return filter;
}

/**
 * A resolved segment as one expression: its flat fields (`all`, `any`, `none`, `blocked`,
 * `attributes`) and its `match` must all hold; `true` when nothing narrows it. Check
 * `matchesNothing` first.
 */
export function segmentCondition(segment: ResolvedSegment): ResolvedCondition | true {
  const tags = (tagIds: string[]): ResolvedCondition[] => tagIds.map((tagId) => ({ tagId }));
  const conditions: ResolvedCondition[] = [
    ...tags(segment.all),
    ...(segment.any.length > 0 ? [{ or: tags(segment.any) }] : []),
    ...(segment.none.length > 0 ? [{ not: { or: tags(segment.none) } }] : []),
    ...(segment.blocked !== undefined ? [{ blocked: segment.blocked }] : []),
    ...Object.entries(segment.attributes ?? {}).map(([attribute, value]): ResolvedCondition => ({
      attribute,
      test: 'eq',
      value,
    })),
    ...(segment.match ? [segment.match] : []),
  ];
  return conditions.length === 0 ? true : conditions.length === 1 ? conditions[0] : { and: conditions };
}

/** Whether a contact is in the segment, evaluated in memory: the reference the query must agree with. */
export function matchesSegment(
  segment: ResolvedSegment,
  contact: Pick<Contact, 'tagIds' | 'block' | 'attributes'>,
  lastMessageAt?: Date,
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
    Object.entries(segment.attributes ?? {}).every(
      ([key, value]) => ownAttribute(contact.attributes, key) === value,
    ) &&
    (segment.match === undefined || matchesCondition(segment.match, contact, lastMessageAt))
  );
}

/**
 * A definition as stored: only the conditions it has (no `undefined` or `null` placeholders,
 * in the expression either).
 */
export function storedDefinition(definition: SegmentDefinition): SegmentDefinition {
  return JSON.parse(
    JSON.stringify(
      Object.fromEntries(
        Object.entries(definition).filter(([, value]) => value !== undefined && value !== null),
      ),
    ),
  ) as SegmentDefinition;
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
