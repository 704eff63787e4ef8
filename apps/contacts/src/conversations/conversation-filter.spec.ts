import type { Contact } from '../contacts/contact.schema';
import { matchesConversationFilter } from './conversation-filter';

const contact = (tags: string[], blocked: boolean) => ({ tags, block: { blocked } }) as unknown as Contact;

describe('matchesConversationFilter', () => {
  it('keeps every contact without a filter', () => {
    expect(matchesConversationFilter(contact([], true), {})).toBe(true);
  });

  it('matches a tag in any spelling, trimmed', () => {
    expect(matchesConversationFilter(contact(['VIP', 'gold'], false), { tag: ' vip ' })).toBe(true);
    expect(matchesConversationFilter(contact(['gold'], false), { tag: 'vip' })).toBe(false);
  });

  it('matches block state, and both filters together', () => {
    expect(matchesConversationFilter(contact(['VIP'], true), { blocked: true })).toBe(true);
    expect(matchesConversationFilter(contact(['VIP'], true), { blocked: false })).toBe(false);
    expect(matchesConversationFilter(contact(['VIP'], false), { tag: 'VIP', blocked: true })).toBe(false);
  });
});
