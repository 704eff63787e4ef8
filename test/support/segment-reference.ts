/**
 * The brute-force reference of segment membership, written apart from the service's code:
 * integration suites compare previews with it over the contacts they seeded.
 */
export const DAY_MS = 86_400_000;

export type Attribute = string | number | boolean;

export interface Seeded {
  contactId: string;
  tags: string[];
  blocked: boolean;
  attributes: Record<string, Attribute>;
  lastMessageAt?: Date;
}

/** An attribute test: `attribute` and exactly one of the others. */
export interface AttributeNode {
  attribute: string;
  eq?: Attribute;
  exists?: boolean;
  contains?: string;
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
}

/** A node of the definition language, as the API takes it. */
export type Node =
  | { and: Node[] }
  | { or: Node[] }
  | { not: Node }
  | { tag: string }
  | { blocked: boolean }
  | AttributeNode
  | { lastMessageAt: { withinDays?: number; olderThanDays?: number; exists?: boolean } };

export interface Definition {
  all?: string[];
  none?: string[];
  blocked?: boolean;
  /** Equality filters: the contact has each key (as its own) with that value. */
  attributes?: Record<string, Attribute>;
  match?: Node;
}

/** Date attributes compare as instants when written in these UTC forms (others never match). */
const DATE_FORMS = [
  /^\d{4}-\d{2}-\d{2}$/,
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
];

/** A contact's own attribute: `constructor` is an attribute only when the contact has one. */
const attributeOf = (contact: Seeded, key: string): Attribute | undefined =>
  Object.hasOwn(contact.attributes, key) ? contact.attributes[key] : undefined;

/** Does the node hold for the contact? */
export function holds(node: Node, contact: Seeded, now: number): boolean {
  if ('and' in node) {
    return node.and.every((child) => holds(child, contact, now));
  }
  if ('or' in node) {
    return node.or.some((child) => holds(child, contact, now));
  }
  if ('not' in node) {
    return !holds(node.not, contact, now);
  }
  if ('tag' in node) {
    return contact.tags.some((tag) => tag.toLowerCase() === node.tag.toLowerCase());
  }
  if ('blocked' in node) {
    return contact.blocked === node.blocked;
  }
  if ('lastMessageAt' in node) {
    const last = contact.lastMessageAt?.getTime();
    const { withinDays, olderThanDays, exists } = node.lastMessageAt;
    if (withinDays !== undefined) {
      return last !== undefined && last >= now - withinDays * DAY_MS;
    }
    if (olderThanDays !== undefined) {
      return last !== undefined && last < now - olderThanDays * DAY_MS;
    }
    return (last !== undefined) === exists;
  }
  const value = attributeOf(contact, node.attribute);
  const [test, operand] = Object.entries(node).find(([key]) => key !== 'attribute') as [string, Attribute];
  switch (test) {
    case 'eq':
      return value === operand;
    case 'exists':
      return (value !== undefined) === operand;
    case 'contains':
      return typeof value === 'string' && value.toLowerCase().includes(String(operand).toLowerCase());
    default: {
      let left: number | undefined;
      let right: number;
      if (typeof operand === 'number') {
        left = typeof value === 'number' ? value : undefined;
        right = operand;
      } else {
        left =
          typeof value === 'string' && DATE_FORMS.some((form) => form.test(value))
            ? Date.parse(value)
            : undefined;
        right = Date.parse(String(operand));
      }
      if (left === undefined) {
        return false;
      }
      return { gt: left > right, gte: left >= right, lt: left < right, lte: left <= right }[test]!;
    }
  }
}

/** Is the contact in the segment the definition describes? */
export function belongs(definition: Definition, contact: Seeded, now: number): boolean {
  const has = (name: string) => contact.tags.some((tag) => tag.toLowerCase() === name.toLowerCase());
  return (
    (definition.all ?? []).every(has) &&
    !(definition.none ?? []).some(has) &&
    (definition.blocked === undefined || definition.blocked === contact.blocked) &&
    Object.entries(definition.attributes ?? {}).every(
      ([key, value]) => attributeOf(contact, key) === value,
    ) &&
    (definition.match === undefined || holds(definition.match, contact, now))
  );
}
