import type { SegmentCondition } from '@switchboard/contracts';
import {
  activityConditions,
  conditionFilter,
  matchesCondition,
  resolveCondition,
  type TagLookup,
} from './segment-expression';
import { resolveSegment, segmentFilter } from './segment-query';

const lookup = new Map<string, TagLookup>([
  ['vip', { tagId: 't_vip', usage: 500 }],
  ['gold', { tagId: 't_gold', usage: 20 }],
]);
const now = new Date('2027-03-10T12:00:00.000Z');
const resolve = (condition: SegmentCondition) => resolveCondition(condition, lookup, now);
const contact = (
  overrides: { tagIds?: string[]; blocked?: boolean; attributes?: Record<string, unknown> } = {},
) => ({
  tagIds: overrides.tagIds ?? [],
  block: { blocked: overrides.blocked ?? false },
  attributes: (overrides.attributes ?? {}) as Record<string, string>,
});

describe('segment expressions', () => {
  it('resolves tag names to ids, rarest first within `and`, and unknown tags to nobody', () => {
    expect(resolve({ and: [{ blocked: false }, { tag: 'VIP' }, { tag: ' gold ' }] })).toEqual({
      and: [{ tagId: 't_gold' }, { tagId: 't_vip' }, { blocked: false }],
    });
    expect(resolve({ and: [{ tag: 'vip' }, { tag: 'nope' }] })).toBe(false);
    expect(resolve({ or: [{ tag: 'vip' }, { tag: 'nope' }] })).toEqual({ tagId: 't_vip' });
    expect(resolve({ not: { tag: 'nope' } })).toBe(true);
    expect(resolve({ not: { not: { tag: 'vip' } } })).toEqual({ tagId: 't_vip' });
  });

  it('turns activity windows into instants from now, and "never" into not ever', () => {
    const resolved = resolve({
      or: [
        { lastMessageAt: { withinDays: 7 } },
        { lastMessageAt: { olderThanDays: 30 } },
        { lastMessageAt: { exists: false } },
      ],
    });
    expect(resolved).toEqual({
      or: [
        { messaged: 'since', at: '2027-03-03T12:00:00.000Z' },
        { messaged: 'before', at: '2027-02-08T12:00:00.000Z' },
        { not: { messaged: 'ever' } },
      ],
    });
    expect(activityConditions(resolved as never).map((condition) => condition.messaged)).toEqual([
      'since',
      'before',
      'ever',
    ]);
  });

  it('gives the store query of each node kind', () => {
    const activity = new Map([['ever', ['acme:c_1', 'acme:c_2']]]);
    const resolved = resolve({
      or: [
        { not: { blocked: false } },
        { attribute: 'plan', eq: 'pro' },
        { attribute: 'email', exists: false },
        { attribute: 'name', contains: 'a.b (x)+' },
        { attribute: 'seats', gte: 3 },
        { lastMessageAt: { exists: true } },
      ],
    });
    expect(conditionFilter(resolved as never, activity)).toEqual({
      $or: [
        { $nor: [{ 'block.blocked': { $ne: true } }] },
        { 'attributes.plan': 'pro' },
        { 'attributes.email': { $exists: false } },
        { 'attributes.name': { $regex: 'a\\.b \\(x\\)\\+', $options: 'i' } },
        { 'attributes.seats': { $gte: 3 } },
        { _id: { $in: ['acme:c_1', 'acme:c_2'] } },
      ],
    });
  });

  it('compares dates as instants, each stored form against the operand rounded to its granularity', () => {
    const resolved = resolve({ attribute: 'renewsAt', gte: '2027-03-01T10:00:00.500+02:00' });
    expect(resolved).toEqual({ attribute: 'renewsAt', test: 'gte', value: '2027-03-01T08:00:00.500Z' });
    const filter = conditionFilter(resolved as never, new Map());
    expect(
      (filter.$or as Record<string, { $gte: string }>[]).map((form) => form['attributes.renewsAt'].$gte),
    ).toEqual(['2027-03-02', '2027-03-01T08:00:01Z', '2027-03-01T08:00:00.500Z']);
    const lte = conditionFilter(
      resolve({ attribute: 'renewsAt', lte: '2027-03-01T08:00:00.500Z' }) as never,
      new Map(),
    );
    expect(
      (lte.$or as Record<string, { $lte: string }>[]).map((form) => form['attributes.renewsAt'].$lte),
    ).toEqual(['2027-03-01', '2027-03-01T08:00:00Z', '2027-03-01T08:00:00.500Z']);
  });

  it('evaluates in memory what the query selects', () => {
    const resolved = resolve({
      and: [
        { tag: 'vip' },
        { not: { attribute: 'renewsAt', lt: '2027-03-01' } },
        { or: [{ attribute: 'name', contains: 'ANN' }, { lastMessageAt: { withinDays: 7 } }] },
      ],
    }) as never;
    const ann = contact({ tagIds: ['t_vip'], attributes: { name: 'Joanna', renewsAt: '2027-03-01' } });
    expect(matchesCondition(resolved, ann)).toBe(true);
    expect(
      matchesCondition(resolved, {
        ...ann,
        attributes: { ...ann.attributes, renewsAt: '2027-02-28T23:59:59Z' },
      }),
    ).toBe(false);
    // A date written with an offset is not compared: `lt` does not hold, so `not lt` does.
    expect(
      matchesCondition(resolved, {
        ...ann,
        attributes: { name: 'Ann', renewsAt: '2027-01-01T00:00:00+02:00' },
      }),
    ).toBe(true);
    const quiet = contact({ tagIds: ['t_vip'], attributes: { name: 'Bob' } });
    expect(matchesCondition(resolved, quiet)).toBe(false);
    expect(matchesCondition(resolved, quiet, new Date('2027-03-09T00:00:00Z'))).toBe(true);
    expect(matchesCondition(resolve({ lastMessageAt: { olderThanDays: 1 } }) as never, quiet)).toBe(false);
  });

  it('puts a tag the expression requires next to the tenant, and everything else under $and', () => {
    const segment = resolveSegment(
      {
        blocked: false,
        match: { and: [{ tag: 'vip' }, { or: [{ tag: 'gold' }, { attribute: 'seats', gt: 1 }] }] },
      },
      lookup,
      now,
    );
    expect(segmentFilter('acme', segment)).toEqual({
      tenantId: 'acme',
      tagIds: 't_vip',
      'block.blocked': false,
      $and: [
        {
          $and: [{ tagIds: 't_vip' }, { $or: [{ tagIds: 't_gold' }, { 'attributes.seats': { $gt: 1 } }] }],
        },
      ],
    });
    expect(resolveSegment({ match: { tag: 'nope' } }, lookup, now).matchesNothing).toBe(true);
    expect(resolveSegment({ match: { not: { tag: 'nope' } } }, lookup, now)).toEqual({
      all: [],
      any: [],
      none: [],
      matchesNothing: false,
    });
  });

  it('refuses to build a query whose activity was not looked up', () => {
    const segment = resolveSegment({ match: { lastMessageAt: { withinDays: 1 } } }, lookup, now);
    expect(() => segmentFilter('acme', segment)).toThrow(/not looked up/);
  });
});
