import { ContractViolationError, validateContract } from '../validation';
import { SegmentDefinition } from './segment-fields';

function fieldErrorsOf(plain: object): { field: string; messages: string[] }[] {
  try {
    validateContract(SegmentDefinition, plain);
  } catch (error) {
    if (error instanceof ContractViolationError) {
      return error.fieldErrors;
    }
    throw error;
  }
  return [];
}

/** `depth` levels of `not` around a tag test. */
function nested(depth: number): object {
  let node: object = { tag: 'vip' };
  for (let level = 1; level < depth; level++) {
    node = { not: node };
  }
  return node;
}

describe('segment expressions', () => {
  it('accepts every kind of node, nested, next to the flat fields', () => {
    const definition = validateContract(SegmentDefinition, {
      all: ['vip'],
      match: {
        and: [
          { or: [{ tag: 'gold' }, { not: { blocked: true } }] },
          { attribute: 'plan', eq: 'pro' },
          { attribute: 'seats', gte: 3 },
          { attribute: 'renewsAt', lt: '2027-03-01T00:00:00+02:00' },
          { attribute: 'name', contains: 'an' },
          { attribute: 'email', exists: false },
          { lastMessageAt: { withinDays: 30 } },
          { not: { lastMessageAt: { exists: true } } },
        ],
      },
    });
    expect(definition.match?.and).toHaveLength(8);
  });

  it.each([
    ['a node of two kinds', { tag: 'vip', blocked: true }, 'match: give exactly one of'],
    ['a node of no kind', { and: [{}] }, 'match.and.0: give exactly one of'],
    ['an attribute without a test', { attribute: 'plan' }, 'match: give exactly one of eq'],
    ['an attribute with two tests', { attribute: 'seats', gt: 1, lt: 5 }, 'match: give exactly one of eq'],
    ['a test without an attribute', { tag: 'vip', eq: 'pro' }, 'match: eq go with attribute'],
    ['two activity tests', { lastMessageAt: { withinDays: 3, exists: true } }, 'match.lastMessageAt: give'],
    ['six levels', nested(6), 'match.not.not.not.not.not: expressions nest at most 5 levels'],
    [
      'more than 50 nodes',
      { or: Array.from({ length: 26 }, () => ({ not: { tag: 'vip' } })) },
      'match: an expression has at most 50 nodes',
    ],
  ])('refuses %s, saying where', (_case, match, message) => {
    const errors = fieldErrorsOf({ match });
    expect(errors).toContainEqual({ field: 'match', messages: [expect.stringContaining(message)] });
  });

  it('refuses an expression thousands of levels deep without exhausting the stack', () => {
    expect(() => validateContract(SegmentDefinition, { match: nested(30_000) })).toThrow(
      'SegmentDefinition nests more than 64 levels',
    );
  });

  it('accepts five levels and 50 nodes', () => {
    expect(fieldErrorsOf({ match: nested(5) })).toEqual([]);
    expect(fieldErrorsOf({ match: { or: Array.from({ length: 49 }, () => ({ tag: 'vip' })) } })).toEqual([]);
  });

  it.each([
    ['an attribute key with a dot', { attribute: 'a.b', exists: true }, 'match.attribute'],
    ['a date-time without an offset', { attribute: 'at', gt: '2027-03-01T10:00' }, 'match.gt'],
    ['a date that is no date', { attribute: 'at', gt: '2027-13-01' }, 'match.gt'],
    ['a string comparison that is no date', { attribute: 'at', lte: 'pro' }, 'match.lte'],
    ['an object to compare with', { attribute: 'at', eq: { $gt: 1 } }, 'match.eq'],
    ['an empty substring', { attribute: 'name', contains: '' }, 'match.contains'],
    ['zero days', { lastMessageAt: { withinDays: 0 } }, 'match.lastMessageAt.withinDays'],
    ['a fraction of a day', { lastMessageAt: { olderThanDays: 1.5 } }, 'match.lastMessageAt.olderThanDays'],
    ['an empty or', { or: [] }, 'match.or'],
    ['an unknown key', { tag: 'vip', where: 1 }, 'match.where'],
    ['a tag name with control characters', { not: { tag: 'a\u0000b' } }, 'match.not.tag'],
  ])('names the field of %s', (_case, match, field) => {
    expect(fieldErrorsOf({ match }).map((error) => error.field)).toContain(field);
  });
});
