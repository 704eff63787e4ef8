import type { FilterQuery } from 'mongoose';
import type { SegmentCondition } from '@switchboard/contracts';
import type { Contact } from '../contacts/contact.schema';

const DAY_MS = 86_400_000;

/** How a tag name resolves: its id and how many contacts carry it (to pick the most selective). */
export interface TagLookup {
  tagId: string;
  usage: number;
}

export type AttributeTest = 'eq' | 'exists' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte';
type Comparison = 'gt' | 'gte' | 'lt' | 'lte';

/**
 * A segment expression with its tag names resolved to catalog ids, its dates to instants and its
 * activity windows to absolute times (so a job or campaign means what it meant when created).
 * Plain data without `$` keys: jobs and campaigns store it.
 */
export type ResolvedCondition =
  | { and: ResolvedCondition[] }
  | { or: ResolvedCondition[] }
  | { not: ResolvedCondition }
  | { tagId: string }
  | { blocked: boolean }
  | { attribute: string; test: 'eq'; value: string | number | boolean }
  | { attribute: string; test: 'exists'; value: boolean }
  | { attribute: string; test: 'contains'; value: string }
  /** A number compares numbers; a string is an ISO instant compared with date attributes. */
  | { attribute: string; test: Comparison; value: number | string }
  /** `since`: last message at or after `at`; `before`: last message before `at`; `ever`: any message. */
  | { messaged: 'since' | 'before'; at: string }
  | { messaged: 'ever' };

export type ActivityCondition = Extract<ResolvedCondition, { messaged: unknown }>;
export type AttributeCondition = Extract<ResolvedCondition, { attribute: string }>;

/** The contact `_id`s each activity condition holds, by `activityKey`. */
export type ActivityKeys = ReadonlyMap<string, readonly string[]>;

export function activityKey(condition: ActivityCondition): string {
  return condition.messaged === 'ever' ? 'ever' : `${condition.messaged}:${condition.at}`;
}

/** Every tag name an expression names. */
export function conditionTagNames(condition: SegmentCondition): string[] {
  return [
    ...(condition.tag !== undefined ? [condition.tag] : []),
    ...[...(condition.and ?? []), ...(condition.or ?? []), ...(condition.not ? [condition.not] : [])].flatMap(
      conditionTagNames,
    ),
  ];
}

/**
 * Resolves an expression; `true` or `false` when it holds for every contact or for none (a tag
 * no catalog entry has is carried by nobody). Within `and`, tag tests come first, rarest first.
 */
export function resolveCondition(
  condition: SegmentCondition,
  lookup: ReadonlyMap<string, TagLookup>,
  now: Date,
): ResolvedCondition | boolean {
  const usage = new Map([...lookup.values()].map((tag) => [tag.tagId, tag.usage]));
  const resolve = (node: SegmentCondition): ResolvedCondition | boolean => {
    if (node.and !== undefined) {
      const children: ResolvedCondition[] = [];
      for (const child of node.and.map(resolve)) {
        if (child === false) {
          return false;
        }
        if (child !== true) {
          children.push(...('and' in child ? child.and : [child]));
        }
      }
      const rank = (child: ResolvedCondition) =>
        'tagId' in child ? (usage.get(child.tagId) ?? 0) : Infinity;
      children.sort((left, right) => rank(left) - rank(right));
      return children.length === 0 ? true : children.length === 1 ? children[0] : { and: children };
    }
    if (node.or !== undefined) {
      const children: ResolvedCondition[] = [];
      for (const child of node.or.map(resolve)) {
        if (child === true) {
          return true;
        }
        if (child !== false) {
          children.push(...('or' in child ? child.or : [child]));
        }
      }
      return children.length === 0 ? false : children.length === 1 ? children[0] : { or: children };
    }
    if (node.not !== undefined) {
      const child = resolve(node.not);
      if (typeof child === 'boolean') {
        return !child;
      }
      return 'not' in child ? child.not : { not: child };
    }
    if (node.tag !== undefined) {
      const tag = lookup.get(node.tag.trim().toLowerCase());
      return tag ? { tagId: tag.tagId } : false;
    }
    if (node.blocked !== undefined) {
      return { blocked: node.blocked };
    }
    if (node.attribute !== undefined) {
      return resolveAttributeTest(node);
    }
    if (node.lastMessageAt !== undefined) {
      const { withinDays, olderThanDays, exists } = node.lastMessageAt;
      const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
      if (withinDays !== undefined) {
        return { messaged: 'since', at: daysAgo(withinDays) };
      }
      if (olderThanDays !== undefined) {
        return { messaged: 'before', at: daysAgo(olderThanDays) };
      }
      return exists ? { messaged: 'ever' } : { not: { messaged: 'ever' } };
    }
    throw new Error('a segment condition of no known kind (the contract admits none)');
  };
  return resolve(condition);
}

function resolveAttributeTest(node: SegmentCondition): ResolvedCondition {
  const attribute = node.attribute!;
  if (node.eq !== undefined) {
    return { attribute, test: 'eq', value: node.eq };
  }
  if (node.exists !== undefined) {
    return { attribute, test: 'exists', value: node.exists };
  }
  if (node.contains !== undefined) {
    return { attribute, test: 'contains', value: node.contains };
  }
  for (const test of ['gt', 'gte', 'lt', 'lte'] as const) {
    const value = node[test];
    if (value !== undefined) {
      return { attribute, test, value: typeof value === 'number' ? value : new Date(value).toISOString() };
    }
  }
  throw new Error('an attribute condition without a test (the contract admits none)');
}

/** The tags a contact must carry for the expression to hold, from its top level (rarest first). */
export function requiredTagIds(condition: ResolvedCondition): string[] {
  const children = 'and' in condition ? condition.and : [condition];
  return children.flatMap((child) => ('tagId' in child ? [child.tagId] : []));
}

/** The activity conditions of an expression, once each. */
export function activityConditions(condition: ResolvedCondition): ActivityCondition[] {
  const found = new Map<string, ActivityCondition>();
  const visit = (node: ResolvedCondition): void => {
    if ('and' in node) {
      node.and.forEach(visit);
    } else if ('or' in node) {
      node.or.forEach(visit);
    } else if ('not' in node) {
      visit(node.not);
    } else if ('messaged' in node) {
      found.set(activityKey(node), node);
    }
  };
  visit(condition);
  return [...found.values()];
}

/**
 * Date attributes compare as instants when written in one of these fixed-width UTC forms: each
 * form's strings sort as their instants do, so a range on the string is a range in time. The
 * bound is the operand rounded to the form's granularity (a date is its midnight UTC).
 */
const DATE = '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const TIME = 'T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d';
export const DATE_ATTRIBUTE_FORMS = [
  { pattern: `^${DATE}$`, granularity: DAY_MS, format: (iso: string) => iso.slice(0, 10) },
  { pattern: `^${DATE}${TIME}Z$`, granularity: 1_000, format: (iso: string) => `${iso.slice(0, 19)}Z` },
  { pattern: `^${DATE}${TIME}\\.\\d{3}Z$`, granularity: 1, format: (iso: string) => iso },
] as const;

/** The instant a date attribute stands for, or undefined when it is written in no date form. */
export function dateAttributeInstant(value: unknown): number | undefined {
  if (
    typeof value !== 'string' ||
    !DATE_ATTRIBUTE_FORMS.some((form) => new RegExp(form.pattern).test(value))
  ) {
    return undefined;
  }
  const instant = Date.parse(value);
  return Number.isFinite(instant) ? instant : undefined;
}

function dateComparisonFilter(path: string, test: Comparison, at: string): FilterQuery<Contact> {
  const instant = Date.parse(at);
  const forms = DATE_ATTRIBUTE_FORMS.flatMap((form) => {
    const floor = Math.floor(instant / form.granularity) * form.granularity;
    const ceil = Math.ceil(instant / form.granularity) * form.granularity;
    // v ≥ X ⟺ v ≥ ceil(X); v > X ⟺ v > floor(X); v ≤ X ⟺ v ≤ floor(X); v < X ⟺ v < ceil(X).
    const bound = new Date(test === 'gte' || test === 'lt' ? ceil : floor).toISOString();
    if (!/^\d{4}-/.test(bound)) {
      // Past year 9999: no value of this form is above it, all are below.
      return test === 'gt' || test === 'gte' ? [] : [{ [path]: { $regex: form.pattern } }];
    }
    return [{ [path]: { $regex: form.pattern, [`$${test}`]: form.format(bound) } }];
  });
  return forms.length === 0 ? { _id: { $exists: false } } : { $or: forms };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The store query of an expression: `$and`, `$or`, `$nor`, `$exists`, `$regex` and ranges,
 * which MongoDB and FerretDB 1.24 both serve. Activity conditions become `_id` sets from
 * `activity`. `not` is `$nor`, which holds where its child does not, missing fields included,
 * as the in-memory evaluation has it.
 */
export function conditionFilter(condition: ResolvedCondition, activity: ActivityKeys): FilterQuery<Contact> {
  if ('and' in condition) {
    return { $and: condition.and.map((child) => conditionFilter(child, activity)) };
  }
  if ('or' in condition) {
    return { $or: condition.or.map((child) => conditionFilter(child, activity)) };
  }
  if ('not' in condition) {
    return { $nor: [conditionFilter(condition.not, activity)] };
  }
  if ('tagId' in condition) {
    return { tagIds: condition.tagId };
  }
  if ('blocked' in condition) {
    // A contact without a block state is not blocked.
    return { 'block.blocked': condition.blocked ? true : { $ne: true } };
  }
  if ('messaged' in condition) {
    const keys = activity.get(activityKey(condition));
    if (keys === undefined) {
      throw new Error(`activity ${activityKey(condition)} was not looked up`);
    }
    return { _id: { $in: keys } };
  }
  const path = `attributes.${condition.attribute}`;
  switch (condition.test) {
    case 'eq':
      return { [path]: condition.value };
    case 'exists':
      return { [path]: { $exists: condition.value } };
    case 'contains':
      return { [path]: { $regex: escapeRegex(condition.value), $options: 'i' } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof condition.value === 'number'
        ? { [path]: { [`$${condition.test}`]: condition.value } }
        : dateComparisonFilter(path, condition.test, condition.value);
  }
}

/** A contact's own attribute: never a member its attributes object inherits (`constructor`). */
export function ownAttribute(attributes: Contact['attributes'] | undefined, key: string): unknown {
  return attributes && Object.hasOwn(attributes, key) ? attributes[key] : undefined;
}

/** Whether the expression holds for a contact, in memory: the reference the query must agree with. */
export function matchesCondition(
  condition: ResolvedCondition,
  contact: Pick<Contact, 'tagIds' | 'block' | 'attributes'>,
  lastMessageAt?: Date,
): boolean {
  const holds = (node: ResolvedCondition): boolean => {
    if ('and' in node) {
      return node.and.every(holds);
    }
    if ('or' in node) {
      return node.or.some(holds);
    }
    if ('not' in node) {
      return !holds(node.not);
    }
    if ('tagId' in node) {
      return (contact.tagIds ?? []).includes(node.tagId);
    }
    if ('blocked' in node) {
      return (contact.block?.blocked ?? false) === node.blocked;
    }
    if ('messaged' in node) {
      if (lastMessageAt === undefined) {
        return false;
      }
      return node.messaged === 'ever' || (node.messaged === 'since') === lastMessageAt >= new Date(node.at);
    }
    return attributeTestHolds(node, ownAttribute(contact.attributes, node.attribute));
  };
  return holds(condition);
}

/** Whether an attribute test holds for a contact's value of that attribute (undefined: none). */
export function attributeTestHolds(node: AttributeCondition, value: unknown): boolean {
  switch (node.test) {
    case 'eq':
      return value === node.value;
    case 'exists':
      return (value !== undefined) === node.value;
    case 'contains':
      return typeof value === 'string' && value.toLowerCase().includes(node.value.toLowerCase());
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const [left, right] =
        typeof node.value === 'number'
          ? [typeof value === 'number' ? value : undefined, node.value]
          : [dateAttributeInstant(value), Date.parse(node.value)];
      if (left === undefined) {
        return false;
      }
      return { gt: left > right, gte: left >= right, lt: left < right, lte: left <= right }[node.test];
    }
  }
}
