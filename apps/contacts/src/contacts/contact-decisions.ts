import {
  TAGS_PER_CONTACT_MAX,
  type AttributeValue,
  type ContactCommandOf,
  type Identity,
} from '@switchboard/contracts';
import type { ContactStateEventType } from './contact-publications';
import type { Contact } from './contact.schema';
import type { ContactChanges } from './contacts.repository';
import type { CarriedTag } from '../tags/tag-catalog.repository';

/** A command refused: the code and reason its `CommandRejected` carries. */
export interface Rejection<Code extends string = string> {
  kind: 'rejected';
  code: Code;
  reason: string;
}

/**
 * What a command does to a contact, decided without any I/O: every contact change (commands,
 * job steps, block expiries, catalog renames and merges) is decided as one of these.
 */
export type Decision =
  | Rejection
  | {
      kind: 'apply';
      eventType: ContactStateEventType;
      changes: ContactChanges;
      changed: boolean;
    };

const sameIdentity = (left: Identity, right: Identity) =>
  left.channel === right.channel && left.address === right.address;

/** Creates the contact, or merges the given profile and identities into the existing one. */
export function decideCreate(command: ContactCommandOf<'contact.create'>, current: Contact | null): Decision {
  const { identities, attributes } = command.payload;
  // Creating has nothing to clear: a `null` profile field is the same as leaving it out.
  const name = command.payload.name ?? undefined;
  const email = command.payload.email ?? undefined;
  const phone = command.payload.phone ?? undefined;
  if (!current) {
    return {
      kind: 'apply',
      eventType: 'ContactCreated',
      changed: true,
      changes: {
        identities,
        name,
        email,
        phone,
        attributes: attributes ?? {},
        tags: [],
        tagIds: [],
        block: { blocked: false },
      },
    };
  }
  const newIdentities = identities.filter(
    (identity) => !current.identities.some((known) => sameIdentity(known, identity)),
  );
  const changes: ContactChanges = {};
  if (newIdentities.length > 0) {
    changes.identities = [...current.identities, ...newIdentities];
  }
  if (name !== undefined && name !== current.name) {
    changes.name = name;
  }
  if (email !== undefined && email !== current.email) {
    changes.email = email;
  }
  if (phone !== undefined && phone !== current.phone) {
    changes.phone = phone;
  }
  if (attributes !== undefined) {
    const merged = { ...current.attributes, ...attributes };
    if (JSON.stringify(merged) !== JSON.stringify(current.attributes)) {
      changes.attributes = merged;
    }
  }
  return { kind: 'apply', eventType: 'ContactUpdated', changes, changed: Object.keys(changes).length > 0 };
}

export function decideUnblock(
  command: ContactCommandOf<'contact.unblock'>,
  current: Contact | null,
): Decision {
  if (!current) {
    return notFound(command.contactId);
  }
  if (!current.block?.blocked) {
    return { kind: 'apply', eventType: 'ContactUnblocked', changes: {}, changed: false };
  }
  return {
    kind: 'apply',
    eventType: 'ContactUnblocked',
    changed: true,
    changes: { block: { blocked: false } },
  };
}

function notFound(contactId: string): Decision {
  return { kind: 'rejected', code: 'contact-not-found', reason: `contact ${contactId} does not exist` };
}

/** PATCH semantics: given fields replace, `null` clears; attributes merge and `null` removes a key. */
export function decideUpdate(command: ContactCommandOf<'contact.update'>, current: Contact | null): Decision {
  if (!current) {
    return notFound(command.contactId);
  }
  const changes: ContactChanges = {};
  for (const field of ['name', 'email', 'phone'] as const) {
    // Absent from the request is `undefined` (class fields exist on every instance); `null` clears.
    const requested: string | null | undefined = command.payload[field];
    if (requested === undefined) {
      continue;
    }
    const value = requested ?? undefined;
    if (value !== current[field]) {
      changes[field] = value;
    }
  }
  if (command.payload.attributes) {
    // Built from entries, never `merged[key] = value`: that would set a prototype for `__proto__`.
    const requested = new Map(Object.entries(command.payload.attributes));
    const kept = Object.entries(current.attributes ?? {}).map(([key, value]): [string, AttributeValue] => [
      key,
      requested.has(key) ? requested.get(key)! : value,
    ]);
    const added = [...requested].filter(([key]) => !Object.hasOwn(current.attributes ?? {}, key));
    // Keys keep their places (an unchanged value is no change); `null` removes a key.
    const merged: Record<string, AttributeValue> = Object.fromEntries(
      [...kept, ...added].filter(([, value]) => value !== null),
    );
    if (JSON.stringify(merged) !== JSON.stringify(current.attributes)) {
      changes.attributes = merged;
    }
  }
  return { kind: 'apply', eventType: 'ContactUpdated', changes, changed: Object.keys(changes).length > 0 };
}

const lower = (name: string) => name.toLowerCase();

/** The tags a contact carries, as id and catalog spelling pairs (`tags` and `tagIds` are parallel). */
function carriedTags(contact: Contact): CarriedTag[] {
  const tagIds = contact.tagIds ?? [];
  return contact.tags.map((name, index) => ({ tagId: tagIds[index] ?? '', name }));
}

function tagChanges(tags: CarriedTag[]): ContactChanges {
  return { tags: tags.map((tag) => tag.name), tagIds: tags.map((tag) => tag.tagId) };
}

/**
 * Adds the catalog tags the contact does not carry yet, up to `TAGS_PER_CONTACT_MAX`.
 * Used by `contact.tag` and by bulk tagging.
 */
export function decideAddTags(current: Contact | null, contactId: string, tags: CarriedTag[]): Decision {
  if (!current) {
    return notFound(contactId);
  }
  const carried = carriedTags(current);
  const carriedIds = new Set(carried.map((tag) => tag.tagId));
  const added = tags.filter((tag) => !carriedIds.has(tag.tagId) && carriedIds.add(tag.tagId));
  if (carried.length + added.length > TAGS_PER_CONTACT_MAX) {
    return {
      kind: 'rejected',
      code: 'too-many-tags',
      reason: `a contact carries at most ${TAGS_PER_CONTACT_MAX} tags; it has ${carried.length} and this adds ${added.length}`,
    };
  }
  return added.length > 0
    ? {
        kind: 'apply',
        eventType: 'ContactTagged',
        changed: true,
        changes: tagChanges([...carried, ...added]),
      }
    : { kind: 'apply', eventType: 'ContactTagged', changed: false, changes: {} };
}

/** Removes tags matched by name (case-insensitively); names the contact does not carry are ignored. */
export function decideUntag(command: ContactCommandOf<'contact.untag'>, current: Contact | null): Decision {
  if (!current) {
    return notFound(command.contactId);
  }
  const removed = new Set(command.payload.tags.map(lower));
  return removeTags(current, (tag) => removed.has(lower(tag.name)));
}

/** Removes these catalog tags: bulk untagging and a catalog deletion. */
export function decideRemoveTagIds(current: Contact | null, contactId: string, tagIds: string[]): Decision {
  if (!current) {
    return notFound(contactId);
  }
  const removed = new Set(tagIds);
  return removeTags(current, (tag) => removed.has(tag.tagId));
}

function removeTags(current: Contact, isRemoved: (tag: CarriedTag) => boolean): Decision {
  const carried = carriedTags(current);
  const kept = carried.filter((tag) => !isRemoved(tag));
  return kept.length !== carried.length
    ? { kind: 'apply', eventType: 'ContactUntagged', changed: true, changes: tagChanges(kept) }
    : { kind: 'apply', eventType: 'ContactUntagged', changed: false, changes: {} };
}

/** Gives a carried tag the catalog's new spelling (a catalog rename reaching the contact). */
export function decideRenameTag(current: Contact | null, contactId: string, renamed: CarriedTag): Decision {
  if (!current) {
    return notFound(contactId);
  }
  const carried = carriedTags(current);
  const next = carried.map((tag) => (tag.tagId === renamed.tagId ? renamed : tag));
  const changed = next.some((tag, index) => tag.name !== carried[index].name);
  return changed
    ? { kind: 'apply', eventType: 'ContactUpdated', changed: true, changes: tagChanges(next) }
    : { kind: 'apply', eventType: 'ContactUpdated', changed: false, changes: {} };
}

/**
 * Moves a contact from one catalog tag to the one it was merged into: the merged tag's place
 * goes to the target (with the catalog's spelling), or, if the contact already carries the
 * target, the merged tag just goes. The count never grows, so the tag limit cannot be crossed.
 */
export function decideMergeTag(
  current: Contact | null,
  contactId: string,
  mergedTagId: string,
  into: CarriedTag,
): Decision {
  if (!current) {
    return notFound(contactId);
  }
  const carried = carriedTags(current);
  if (!carried.some((tag) => tag.tagId === mergedTagId)) {
    return { kind: 'apply', eventType: 'ContactUpdated', changed: false, changes: {} };
  }
  const hasTarget = carried.some((tag) => tag.tagId === into.tagId);
  const next = hasTarget
    ? carried.filter((tag) => tag.tagId !== mergedTagId)
    : carried.map((tag) => (tag.tagId === mergedTagId ? into : tag));
  return { kind: 'apply', eventType: 'ContactUpdated', changed: true, changes: tagChanges(next) };
}
