/**
 * A set of small non-negative integers (a tenant's dense contact numbers) as a bit array, 32
 * per word. Set operations return new bitsets as long as the longer operand; a missing word
 * is zero. At a million contacts one bitset is 125 KB and an `and` of two takes a few tens of
 * microseconds.
 */
export class Bitset {
  private constructor(private words: Uint32Array) {}

  static empty(capacity = 0): Bitset {
    return new Bitset(new Uint32Array(wordsFor(capacity)));
  }

  /** The members `holds` selects among 0..size-1. */
  static where(size: number, holds: (index: number) => boolean): Bitset {
    const words = new Uint32Array(wordsFor(size));
    for (let word = 0; word < words.length; word++) {
      const base = word << 5;
      const bitsHere = Math.min(32, size - base);
      let bits = 0;
      for (let bit = 0; bit < bitsHere; bit++) {
        if (holds(base + bit)) {
          bits |= 1 << bit;
        }
      }
      words[word] = bits;
    }
    return new Bitset(words);
  }

  has(index: number): boolean {
    const word = index >>> 5;
    return word < this.words.length && (this.words[word] & (1 << (index & 31))) !== 0;
  }

  add(index: number): void {
    const word = index >>> 5;
    if (word >= this.words.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    this.words[word] |= 1 << (index & 31);
  }

  delete(index: number): void {
    const word = index >>> 5;
    if (word < this.words.length) {
      this.words[word] &= ~(1 << (index & 31));
    }
  }

  and(other: Bitset): Bitset {
    const length = Math.min(this.words.length, other.words.length);
    const result = new Uint32Array(length);
    for (let word = 0; word < length; word++) {
      result[word] = this.words[word] & other.words[word];
    }
    return new Bitset(result);
  }

  or(other: Bitset): Bitset {
    const [longer, shorter] =
      this.words.length >= other.words.length ? [this.words, other.words] : [other.words, this.words];
    const result = longer.slice();
    for (let word = 0; word < shorter.length; word++) {
      result[word] |= shorter[word];
    }
    return new Bitset(result);
  }

  /** The members of this set that are not in `other`. */
  andNot(other: Bitset): Bitset {
    const result = this.words.slice();
    const length = Math.min(result.length, other.words.length);
    for (let word = 0; word < length; word++) {
      result[word] &= ~other.words[word];
    }
    return new Bitset(result);
  }

  get size(): number {
    let count = 0;
    for (let word = 0; word < this.words.length; word++) {
      count += popcount(this.words[word]);
    }
    return count;
  }

  /** Every member, ascending. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let word = 0; word < this.words.length; word++) {
      let bits = this.words[word];
      while (bits !== 0) {
        const lowest = bits & -bits;
        yield (word << 5) + 31 - Math.clz32(lowest);
        bits ^= lowest;
      }
    }
  }

  /** The first `limit` members, ascending. */
  first(limit: number): number[] {
    const found: number[] = [];
    for (const index of this) {
      if (found.length === limit) {
        break;
      }
      found.push(index);
    }
    return found;
  }

  /** Bytes the words take. */
  get byteLength(): number {
    return this.words.byteLength;
  }
}

function wordsFor(capacity: number): number {
  return Math.ceil(capacity / 32);
}

function popcount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
