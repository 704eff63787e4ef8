import { Bitset } from './bitset';

/** A random set of numbers below `bound`, as a bitset and as a plain Set. */
function aRandomSet(bound: number, share: number, seed: number): { bits: Bitset; plain: Set<number> } {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const bits = Bitset.empty();
  const plain = new Set<number>();
  for (let number = 0; number < bound; number++) {
    if (next() < share) {
      bits.add(number);
      plain.add(number);
    }
  }
  return { bits, plain };
}

const sorted = (numbers: Iterable<number>) => [...numbers].sort((left, right) => left - right);

describe('Bitset', () => {
  it('agrees with a plain Set on and, or, andNot, size and iteration, across word edges and lengths', () => {
    for (const [leftBound, rightBound] of [
      [1, 1],
      [31, 33],
      [64, 64],
      [1_000, 70],
      [5_000, 4_999],
    ]) {
      const left = aRandomSet(leftBound, 0.4, leftBound);
      const right = aRandomSet(rightBound, 0.6, rightBound + 7);
      const and = sorted([...left.plain].filter((number) => right.plain.has(number)));
      const or = sorted(new Set([...left.plain, ...right.plain]));
      const andNot = sorted([...left.plain].filter((number) => !right.plain.has(number)));
      expect([...left.bits.and(right.bits)]).toEqual(and);
      expect([...left.bits.or(right.bits)]).toEqual(or);
      expect([...right.bits.or(left.bits)]).toEqual(or);
      expect([...left.bits.andNot(right.bits)]).toEqual(andNot);
      expect(left.bits.and(right.bits).size).toBe(and.length);
      expect(left.bits.size).toBe(left.plain.size);
    }
  });

  it('sets, clears and reads single members, bit 31 of a word included', () => {
    const bits = Bitset.empty();
    for (const number of [0, 31, 32, 63, 100_000]) {
      bits.add(number);
    }
    bits.delete(32);
    bits.delete(5_000_000); // beyond its words: nothing to clear
    expect([...bits]).toEqual([0, 31, 63, 100_000]);
    expect([31, 32, 99_999].map((number) => bits.has(number))).toEqual([true, false, false]);
    expect(bits.first(2)).toEqual([0, 31]);
  });

  it('returns new sets: an operation leaves its operands as they were', () => {
    const left = Bitset.where(10, (number) => number % 2 === 0);
    const right = Bitset.where(10, (number) => number < 5);
    left.and(right).add(9);
    left.or(right).add(9);
    left.andNot(right).add(9);
    expect([...left]).toEqual([0, 2, 4, 6, 8]);
    expect([...right]).toEqual([0, 1, 2, 3, 4]);
  });
});
