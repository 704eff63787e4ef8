const EMPTY = 0;

/**
 * Strings numbered 0, 1, 2… in the order they were added, kept as UTF-8 bytes in one growing
 * buffer with an open-addressing hash table over them: a million contact ids take one buffer and
 * three typed arrays instead of a million strings and map entries, so the garbage collector has
 * next to nothing to walk (a major collection of a million-entry `Map<string, number>` pauses
 * for about 150 ms, which a preview's p99 would pay).
 */
export class StringDictionary {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  /** Where each string's bytes start; string i ends where i + 1 starts. */
  private starts = new Int32Array(1024);
  private count = 0;
  /** Slot → string number + 1 (0: empty); at most half full. */
  private slots = new Int32Array(2048);
  private scratch = Buffer.alloc(256);

  get size(): number {
    return this.count;
  }

  /** The number of `text`, or undefined when it was never added. */
  numberOf(text: string): number | undefined {
    const length = this.encode(text);
    const number = this.slots[this.find(length)] - 1;
    return number >= 0 ? number : undefined;
  }

  /** The number of `text`, added first when it is new. */
  add(text: string): number {
    const length = this.encode(text);
    const slot = this.find(length);
    if (this.slots[slot] !== EMPTY) {
      return this.slots[slot] - 1;
    }
    const number = this.count++;
    this.append(length);
    this.slots[slot] = number + 1;
    if (this.count * 2 > this.slots.length) {
      this.rehash(this.slots.length * 2);
    }
    return number;
  }

  textOf(number: number): string {
    return this.bytes.toString('utf8', this.starts[number], this.endOf(number));
  }

  /** Bytes held (buffer and tables, spare room included). */
  get byteLength(): number {
    return this.bytes.length + this.starts.byteLength + this.slots.byteLength;
  }

  private endOf(number: number): number {
    return number + 1 < this.count ? this.starts[number + 1] : this.used;
  }

  /** Writes `text` as UTF-8 into the scratch buffer; returns its length in bytes. */
  private encode(text: string): number {
    const most = text.length * 3;
    if (most > this.scratch.length) {
      this.scratch = Buffer.alloc(most);
    }
    return this.scratch.write(text, 0, 'utf8');
  }

  /** The slot of the scratch buffer's string: where it is, or the empty slot where it goes. */
  private find(length: number): number {
    const mask = this.slots.length - 1;
    let slot = hash(this.scratch, 0, length) & mask;
    for (;;) {
      const held = this.slots[slot];
      if (held === EMPTY || this.holdsScratch(held - 1, length)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private holdsScratch(number: number, length: number): boolean {
    const start = this.starts[number];
    return (
      this.endOf(number) - start === length &&
      this.scratch.compare(this.bytes, start, start + length, 0, length) === 0
    );
  }

  private append(length: number): void {
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    if (this.count > this.starts.length) {
      const grown = new Int32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.scratch.copy(this.bytes, this.used, 0, length);
    this.starts[this.count - 1] = this.used;
    this.used += length;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    const mask = size - 1;
    for (let number = 0; number < this.count; number++) {
      let slot = hash(this.bytes, this.starts[number], this.endOf(number)) & mask;
      while (this.slots[slot] !== EMPTY) {
        slot = (slot + 1) & mask;
      }
      this.slots[slot] = number + 1;
    }
  }
}

/** FNV-1a over bytes start..end-1. */
function hash(bytes: Buffer, start: number, end: number): number {
  let value = 0x811c9dc5;
  for (let at = start; at < end; at++) {
    value = Math.imul(value ^ bytes[at], 0x01000193);
  }
  return value >>> 0;
}
