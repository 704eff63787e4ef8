import {
  ChangeableContactFields,
  type ContactChanges,
  type ContactView,
  type TextFieldChange,
} from '@switchboard/contracts';
import { toContactView, type Contact } from './contact.schema';

/** What a created contact is compared with. */
const EMPTY: Pick<ContactView, 'identities' | 'attributes' | 'tags' | 'block'> = {
  identities: [],
  attributes: {},
  tags: [],
  block: { blocked: false },
};

/** JSON with object keys in order: equal values compare equal whatever order their keys were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([left], [right]) => left.localeCompare(right)))
      : nested,
  );
}

/**
 * Every public field (as the contact's view shows it) that differs between two states of a
 * contact, before and after; tags also say which tags came and went. Built from the states
 * alone, so every change gets it: commands and job steps alike.
 */
export function contactChanges(before: Contact | null, after: Contact): ContactChanges {
  const old: Partial<ContactView> = before ? toContactView(before) : EMPTY;
  const now = toContactView(after);
  const changes: ContactChanges = {};
  for (const field of ChangeableContactFields) {
    if (canonical(old[field] ?? null) === canonical(now[field] ?? null)) {
      continue;
    }
    switch (field) {
      case 'name':
      case 'email':
      case 'phone':
        changes[field] = { before: old[field] ?? null, after: now[field] ?? null } satisfies TextFieldChange;
        break;
      case 'tags': {
        // Tags are told apart by catalog id: a rename changes a spelling, it adds and removes nothing.
        const had = new Set(before?.tagIds ?? []);
        const has = new Set(after.tagIds ?? []);
        changes.tags = {
          before: old.tags ?? [],
          after: now.tags,
          added: now.tags.filter((_name, index) => !had.has(after.tagIds?.[index] ?? '')),
          removed: (old.tags ?? []).filter((_name, index) => !has.has(before?.tagIds?.[index] ?? '')),
        };
        break;
      }
      case 'identities':
        changes.identities = { before: old.identities ?? [], after: now.identities };
        break;
      case 'attributes':
        changes.attributes = { before: old.attributes ?? {}, after: now.attributes };
        break;
      case 'block':
        changes.block = { before: old.block ?? { blocked: false }, after: now.block };
        break;
    }
  }
  return changes;
}
