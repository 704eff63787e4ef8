import type { BlocklistEntry } from '@switchboard/contracts';

/**
 * The current block of every blocked identity, in memory (blocked contacts are few).
 * Keyed like `contacts.blocklist`: `tenantId|channel|address`.
 */
export class BlocklistState {
  private readonly entries = new Map<string, BlocklistEntry>();

  /** Applies one compacted-topic record: an entry blocks, a tombstone (null) unblocks. */
  apply(key: string, entry: BlocklistEntry | null): void {
    if (entry) {
      this.entries.set(key, entry);
    } else {
      this.entries.delete(key);
    }
  }

  blockOf(key: string): BlocklistEntry | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
