import type { BlocklistEntry } from '@switchboard/contracts';

/** A block held in memory, with its end as epoch milliseconds (parsed once, not per message). */
export interface HeldBlock {
  entry: BlocklistEntry;
  /** When a temporary block ends; `Infinity` for a block that lasts until an unblock. */
  endsAtMs: number;
}

/**
 * The current block of every blocked identity, in memory (blocked contacts are few).
 * Keyed like `contacts.blocklist`: `tenantId|channel|address`.
 */
export class BlocklistState {
  private readonly entries = new Map<string, HeldBlock>();

  /** Applies one compacted-topic record: an entry blocks, a tombstone (null) unblocks. */
  apply(key: string, entry: BlocklistEntry | null): void {
    if (entry) {
      this.entries.set(key, {
        entry,
        endsAtMs: entry.until === undefined ? Infinity : Date.parse(entry.until),
      });
    } else {
      this.entries.delete(key);
    }
  }

  /** The identity's block, including one whose time is up (the caller compares with its clock). */
  blockOf(key: string): HeldBlock | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
