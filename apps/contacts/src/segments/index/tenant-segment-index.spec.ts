import type { AttributeValue, SegmentCondition, SegmentDefinition } from '@switchboard/contracts';
import { matchesSegment, resolveSegment, segmentCondition, type TagLookup } from '../segment-query';
import { TenantSegmentIndex, type IndexedContact } from './tenant-segment-index';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY_MS = 86_400_000;
const TAGS = ['t_a', 't_b', 't_c', 't_d'];
const LOOKUP = new Map<string, TagLookup>(TAGS.map((tagId, usage) => [tagId.slice(2), { tagId, usage }]));

function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

interface Contact extends IndexedContact {
  lastMessageAt?: number;
}

function aContact(next: () => number, index: number, version: number): Contact {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const attributes: Record<string, AttributeValue> = {};
  if (next() < 0.7) attributes.plan = pick(['free', 'pro', 'Pro Plus', 12, '12', true]);
  if (next() < 0.6) attributes.seats = Math.floor(next() * 20);
  if (next() < 0.5)
    attributes.renewsAt = pick(['2027-01-01', '2026-12-31T23:59:59Z', 'soon', '2027-01-01T00:00:00.001Z']);
  return {
    contactId: `c_${index}`,
    version,
    tagIds: TAGS.filter(() => next() < 0.4),
    blocked: next() < 0.25,
    attributes,
    identities: [{ channel: 'whatsapp', address: `+1415555${String(index).padStart(4, '0')}` }],
    ...(next() < 0.7 && { lastMessageAt: NOW - Math.floor(next() * 90) * DAY_MS - DAY_MS / 2 }),
  };
}

function aCondition(next: () => number, depth: number): SegmentCondition {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const roll = next();
  if (depth > 1 && roll < 0.3) {
    const children = Array.from({ length: 1 + Math.floor(next() * 3) }, () => aCondition(next, depth - 1));
    return next() < 0.5 ? { and: children } : { or: children };
  }
  if (depth > 1 && roll < 0.4) {
    return { not: aCondition(next, depth - 1) };
  }
  return pick<() => SegmentCondition>([
    () => ({ tag: pick(['a', 'b', 'c', 'd', 'unknown']) }),
    () => ({ blocked: next() < 0.5 }),
    () => ({ attribute: 'plan', eq: pick(['pro', 12, '12', true]) }),
    () => ({ attribute: 'plan', contains: 'PRO' }),
    () => ({ attribute: pick(['seats', 'nothing']), exists: next() < 0.5 }),
    () => ({ attribute: 'seats', [pick(['gt', 'gte', 'lt', 'lte'])]: Math.floor(next() * 20) }),
    () => ({
      attribute: 'renewsAt',
      [pick(['gt', 'lte'])]: pick(['2027-01-01', '2026-12-31T23:59:59.500Z']),
    }),
    () => ({ lastMessageAt: { withinDays: 1 + Math.floor(next() * 60) } }),
    () => ({ lastMessageAt: { olderThanDays: 1 + Math.floor(next() * 60) } }),
    () => ({ lastMessageAt: { exists: next() < 0.5 } }),
  ])();
}

function aDefinition(next: () => number): SegmentDefinition {
  return {
    match: aCondition(next, 1 + Math.floor(next() * 4)),
    ...(next() < 0.2 && { all: ['a'] }),
    ...(next() < 0.2 && { any: ['b', 'c'] }),
    ...(next() < 0.2 && { none: ['d'] }),
    ...(next() < 0.2 && { blocked: next() < 0.5 }),
    ...(next() < 0.1 && { attributes: { plan: 'pro' } }),
  };
}

/** The contacts the brute force finds: the in-memory reference the store queries also agree with. */
function bruteForce(definition: SegmentDefinition, contacts: Map<string, Contact>): string[] {
  const segment = resolveSegment(definition, LOOKUP, new Date(NOW));
  return [...contacts.values()]
    .filter((contact) =>
      matchesSegment(
        segment,
        {
          tagIds: [...(contact.tagIds ?? [])],
          block: { blocked: contact.blocked },
          attributes: { ...contact.attributes },
        },
        contact.lastMessageAt === undefined ? undefined : new Date(contact.lastMessageAt),
      ),
    )
    .map((contact) => contact.contactId)
    .sort();
}

function fromIndex(definition: SegmentDefinition, index: TenantSegmentIndex): string[] {
  const segment = resolveSegment(definition, LOOKUP, new Date(NOW));
  return segment.matchesNothing ? [] : index.contactIdsOf(index.members(segmentCondition(segment))).sort();
}

describe('TenantSegmentIndex', () => {
  it('holds exactly the contacts the brute force finds, for generated expressions, through changes and merges', () => {
    const next = random(20_261_208);
    const index = new TenantSegmentIndex();
    const contacts = new Map<string, Contact>();
    const take = (contact: Contact) => {
      contacts.set(contact.contactId, contact);
      index.apply(contact);
      if (contact.lastMessageAt !== undefined) {
        index.noteLastMessage(contact.contactId, contact.lastMessageAt);
      }
    };
    for (let number = 0; number < 300; number++) {
      take(aContact(next, number, 1));
    }
    const mismatches: object[] = [];
    for (let round = 0; round < 200; round++) {
      // Between expressions: a change of some contact, a merge now and then.
      const changed = `c_${Math.floor(next() * 300)}`;
      const before = contacts.get(changed);
      if (before && next() < 0.05) {
        contacts.delete(changed);
        index.remove(changed);
      } else if (before) {
        const after = aContact(next, Number(changed.slice(2)), before.version + 1);
        // Activity only moves forward.
        after.lastMessageAt =
          before.lastMessageAt === undefined
            ? after.lastMessageAt
            : Math.max(before.lastMessageAt, after.lastMessageAt ?? 0);
        take(after);
      }
      const definition = aDefinition(next);
      const expected = bruteForce(definition, contacts);
      const found = fromIndex(definition, index);
      if (JSON.stringify(found) !== JSON.stringify(expected)) {
        mismatches.push({ round, definition, found: found.length, expected: expected.length });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps the later version of a contact when an older one comes after it', () => {
    const index = new TenantSegmentIndex();
    const contact = { contactId: 'c_1', identities: [], attributes: {}, blocked: false };
    index.apply({ ...contact, version: 3, tagIds: ['t_new'], blocked: true });
    index.apply({ ...contact, version: 2, tagIds: ['t_old'] });
    expect(index.contactIdsOf(index.members({ tagId: 't_new' }))).toEqual(['c_1']);
    expect(index.contactIdsOf(index.members({ tagId: 't_old' }))).toEqual([]);
    expect(index.members({ blocked: true }).size).toBe(1);
  });

  it('keeps the tags as they were when a state comes without tag ids (events of earlier versions)', () => {
    const index = new TenantSegmentIndex();
    const contact = { contactId: 'c_1', identities: [], attributes: {}, blocked: false };
    index.apply({ ...contact, version: 1, tagIds: ['t_a'] });
    index.apply({ ...contact, version: 2, attributes: { plan: 'pro' } });
    expect(
      index.members({ and: [{ tagId: 't_a' }, { attribute: 'plan', test: 'eq', value: 'pro' }] }).size,
    ).toBe(1);
  });

  it("counts a message toward the identity's owner, else toward the contact the ingest creates for the sender", () => {
    const index = new TenantSegmentIndex();
    const owned = { channel: 'whatsapp', address: '+14155550001' };
    index.apply({
      contactId: 'c_owner',
      version: 1,
      identities: [owned],
      attributes: {},
      blocked: false,
      tagIds: [],
    });
    index.noteMessage(owned, 'c_derived_of_owned', NOW);
    index.noteMessage({ channel: 'sms', address: '+14155550002' }, 'c_new', NOW);
    const since = { messaged: 'since' as const, at: new Date(NOW - DAY_MS).toISOString() };
    expect(index.contactIdsOf(index.members(since))).toEqual(['c_owner']);
    // The new sender's contact is created later: its message time was kept for it.
    index.apply({
      contactId: 'c_new',
      version: 1,
      identities: [],
      attributes: {},
      blocked: false,
      tagIds: [],
    });
    expect(index.contactIdsOf(index.members(since)).sort()).toEqual(['c_new', 'c_owner']);
    expect(index.recipientOf('c_owner')).toEqual({
      contactId: 'c_owner',
      blocked: false,
      identities: [owned],
    });
  });
});
