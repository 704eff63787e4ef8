import type { Contact } from '../../apps/contacts/src/contacts/contact.schema';

/** A contact as the contacts service stores it. */
export function aStoredContact(overrides: Partial<Contact> = {}): Contact {
  const tenantId = overrides.tenantId ?? 'acme';
  const contactId = overrides.contactId ?? 'c_ada';
  return {
    _id: `${tenantId}:${contactId}`,
    tenantId,
    contactId,
    identities: [{ channel: 'whatsapp', address: '+14155550123' }],
    attributes: {},
    tags: [],
    tagIds: [],
    block: { blocked: false },
    version: 1,
    appliedCommandIds: [],
    pendingPublications: [],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}
