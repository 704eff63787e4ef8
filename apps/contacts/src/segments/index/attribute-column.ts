import type { AttributeValue } from '@switchboard/contracts';
import { Bitset } from './bitset';

const ABSENT = -1;

/**
 * One attribute of every contact of a tenant, dictionary-encoded: each distinct value once,
 * each contact's value as the code of its entry. A test runs once per distinct value and then
 * picks the contacts whose code passed, so `contains` over a million contacts with a few
 * hundred distinct values costs a few hundred string tests and one pass over an Int32Array.
 * Values are told apart as the contract does: `12` and `'12'` are two entries. Entries no
 * contact has any more stay until the index is rebuilt (a restart).
 */
export class AttributeColumn {
  private codes = new Int32Array(0).fill(ABSENT);
  private readonly values: AttributeValue[] = [];
  private readonly codeOf = new Map<AttributeValue, number>();

  set(contact: number, value: AttributeValue | undefined): void {
    if (contact >= this.codes.length) {
      const grown = new Int32Array(Math.max(contact + 1, this.codes.length * 2, 1024)).fill(ABSENT);
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[contact] = value === undefined ? ABSENT : this.encode(value);
  }

  get(contact: number): AttributeValue | undefined {
    const code = contact < this.codes.length ? this.codes[contact] : ABSENT;
    return code === ABSENT ? undefined : this.values[code];
  }

  /** The contacts among 0..size-1 whose value (undefined where they have none) passes `holds`. */
  select(size: number, holds: (value: AttributeValue | undefined) => boolean): Bitset {
    const passes = this.values.map((value) => holds(value));
    const absentPasses = holds(undefined);
    const codes = this.codes;
    return Bitset.where(size, (contact) => {
      const code = contact < codes.length ? codes[contact] : ABSENT;
      return code === ABSENT ? absentPasses : passes[code];
    });
  }

  /** Distinct values kept. */
  get entries(): number {
    return this.values.length;
  }

  get byteLength(): number {
    return this.codes.byteLength;
  }

  private encode(value: AttributeValue): number {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codeOf.set(value, code);
    }
    return code;
  }
}
