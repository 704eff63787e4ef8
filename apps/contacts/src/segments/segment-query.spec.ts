import {
  definitionHasActivity,
  disjointParts,
  matchesSegment,
  resolveSegment,
  segmentFilter,
  type TagLookup,
} from './segment-query';

const lookup = new Map<string, TagLookup>([
  ['vip', { tagId: 't_vip', usage: 500 }],
  ['gold', { tagId: 't_gold', usage: 20 }],
  ['churned', { tagId: 't_churned', usage: 100 }],
]);

describe('segment queries', () => {
  it('resolves names case-insensitively and puts the rarest all-tag first', () => {
    const segment = resolveSegment({ all: ['VIP', ' gold '], none: ['Churned'] }, lookup);
    expect(segment).toEqual({
      all: ['t_gold', 't_vip'],
      any: [],
      none: ['t_churned'],
      matchesNothing: false,
    });
    expect(segmentFilter('acme', segment)).toEqual({
      tenantId: 'acme',
      tagIds: 't_gold',
      $and: [{ tagIds: 't_vip' }, { tagIds: { $nin: ['t_churned'] } }],
    });
  });

  it('matches nothing when an all-tag is unknown, or when no any-tag is known', () => {
    expect(resolveSegment({ all: ['vip', 'nope'] }, lookup).matchesNothing).toBe(true);
    expect(resolveSegment({ any: ['nope'] }, lookup).matchesNothing).toBe(true);
    expect(resolveSegment({ any: ['nope', 'vip'] }, lookup)).toMatchObject({
      any: ['t_vip'],
      matchesNothing: false,
    });
    expect(resolveSegment({ none: ['nope'] }, lookup)).toMatchObject({ none: [], matchesNothing: false });
  });

  it('filters by block state and attributes', () => {
    const segment = resolveSegment(
      { any: ['vip', 'gold'], blocked: false, attributes: { plan: 'pro', seats: 3 } },
      lookup,
    );
    expect(segmentFilter('acme', segment)).toEqual({
      tenantId: 'acme',
      'block.blocked': false,
      'attributes.plan': 'pro',
      'attributes.seats': 3,
      $and: [{ tagIds: { $in: ['t_gold', 't_vip'] } }],
    });
  });

  it('evaluates in memory what the query selects', () => {
    const segment = resolveSegment({ all: ['vip'], any: ['gold', 'churned'], none: ['churned'] }, lookup);
    const contact = (tagIds: string[], blocked = false) => ({ tagIds, block: { blocked }, attributes: {} });
    expect(matchesSegment(segment, contact(['t_vip', 't_gold']))).toBe(true);
    expect(matchesSegment(segment, contact(['t_vip']))).toBe(false);
    expect(matchesSegment(segment, contact(['t_vip', 't_gold', 't_churned']))).toBe(false);
    expect(matchesSegment(resolveSegment({ blocked: true }, lookup), contact([], true))).toBe(true);
    expect(matchesSegment(resolveSegment({}, lookup), contact([]))).toBe(true);
  });

  it('splits `any` of several tags into disjoint parts that together hold the segment', () => {
    const segment = resolveSegment(
      { any: ['vip', 'gold', 'churned'], none: ['nope'], blocked: false },
      lookup,
    );
    const parts = disjointParts(segment)!;
    expect(parts.map((part) => segmentFilter('acme', part).tagIds)).toEqual(['t_gold', 't_churned', 't_vip']);
    const tags = ['t_vip', 't_gold', 't_churned', 't_other'];
    // Every combination of the tags: each contact of the segment is in exactly one part.
    for (let mask = 0; mask < 16; mask++) {
      const contact = {
        tagIds: tags.filter((_, bit) => mask & (1 << bit)),
        block: { blocked: false },
        attributes: {},
      };
      const inParts = parts.filter((part) => matchesSegment(part, contact)).length;
      expect({ mask, inParts }).toEqual({ mask, inParts: matchesSegment(segment, contact) ? 1 : 0 });
    }
    expect(disjointParts(resolveSegment({ all: ['vip'], any: ['gold', 'churned'] }, lookup))).toBeUndefined();
    expect(disjointParts(resolveSegment({ any: ['gold'] }, lookup))).toBeUndefined();
  });

  it('tells a definition that tests message activity, at any depth, from one that does not', () => {
    expect(definitionHasActivity({ all: ['vip'] })).toBe(false);
    expect(definitionHasActivity({ match: { and: [{ tag: 'vip' }, { not: { blocked: true } }] } })).toBe(
      false,
    );
    expect(
      definitionHasActivity({
        match: { or: [{ tag: 'vip' }, { not: { and: [{ lastMessageAt: { withinDays: 3 } }] } }] },
      }),
    ).toBe(true);
  });
});
