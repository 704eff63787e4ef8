import {
  TAGS_PER_CONTACT_MAX,
  type AttributeValue,
  type ContactCommandOf,
  type Identity,
} from '@switchboard/contracts';
import type { ContactStateEventType } from './contact-publications';
import type { Contact } from './contact.schema';
import type { ContactChanges } from './contacts.repository';

/** What a command does to a contact, decided without any I/O. */
export type Decision =
  | { kind: 'rejected'; code: string; reason: string }
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
  const { identities, name, email, phone, attributes } = command.payload;
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

export function decideBlock(
  command: ContactCommandOf<'contact.block'>,
  current: Contact | null,
  now: Date,
): Decision {
  if (!current) {
    return notFound(command.contactId);
  }
  if (current.block?.blocked) {
    return { kind: 'apply', eventType: 'ContactBlocked', changes: {}, changed: false };
  }
  return {
    kind: 'apply',
    eventType: 'ContactBlocked',
    changed: true,
    changes: {
      block: { blocked: true, blockedAt: now, blockedBy: command.actor.id, reason: command.payload.reason },
    },
  };
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
    const merged: Record<string, AttributeValue> = { ...current.attributes };
    for (const [key, value] of Object.entries(command.payload.attributes)) {
      if (value === null) {
        delete merged[key];
      } else {
        merged[key] = value;
      }
    }
    if (JSON.stringify(merged) !== JSON.stringify(current.attributes)) {
      changes.attributes = merged;
    }
  }
  return { kind: 'apply', eventType: 'ContactUpdated', changes, changed: Object.keys(changes).length > 0 };
}

const lower = (name: string) => name.toLowerCase();

/** Adds tags (by their catalog spelling) that the contact does not carry yet, case-insensitively. */
export function decideTag(
  command: ContactCommandOf<'contact.tag'>,
  current: Contact | null,
  spellings: string[],
): Decision {
  if (!current) {
    return notFound(command.contactId);
  }
  const carried = new Set(current.tags.map(lower));
  const added: string[] = [];
  for (const name of spellings) {
    if (!carried.has(lower(name))) {
      carried.add(lower(name));
      added.push(name);
    }
  }
  if (current.tags.length + added.length > TAGS_PER_CONTACT_MAX) {
    return {
      kind: 'rejected',
      code: 'too-many-tags',
      reason: `a contact carries at most ${TAGS_PER_CONTACT_MAX} tags; it has ${current.tags.length} and this adds ${added.length}`,
    };
  }
  return added.length > 0
    ? {
        kind: 'apply',
        eventType: 'ContactTagged',
        changed: true,
        changes: { tags: [...current.tags, ...added] },
      }
    : { kind: 'apply', eventType: 'ContactTagged', changed: false, changes: {} };
}

export function decideUntag(command: ContactCommandOf<'contact.untag'>, current: Contact | null): Decision {
  if (!current) {
    return notFound(command.contactId);
  }
  const removed = new Set(command.payload.tags.map(lower));
  const tags = current.tags.filter((name) => !removed.has(lower(name)));
  return tags.length !== current.tags.length
    ? { kind: 'apply', eventType: 'ContactUntagged', changed: true, changes: { tags } }
    : { kind: 'apply', eventType: 'ContactUntagged', changed: false, changes: {} };
}
