import type { Contact } from '../contacts/contact.schema';

/** What an inbox listing keeps: contacts carrying a tag (any spelling), blocked or not. */
export interface ConversationFilter {
  tag?: string;
  blocked?: boolean;
}

export function matchesConversationFilter(contact: Contact, filter: ConversationFilter): boolean {
  if (filter.blocked !== undefined && (contact.block?.blocked ?? false) !== filter.blocked) {
    return false;
  }
  if (filter.tag !== undefined) {
    const wanted = filter.tag.trim().toLowerCase();
    return (contact.tags ?? []).some((tag) => tag.toLowerCase() === wanted);
  }
  return true;
}
