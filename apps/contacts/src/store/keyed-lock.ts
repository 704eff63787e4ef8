/**
 * Runs async sections one at a time per key, in arrival order. FerretDB 1.24 applies an update
 * as read, change in memory, write back by `_id`, without re-checking the filter: two
 * concurrent conditional updates of one document can both "succeed" and the later write wins.
 * Contacts need no lock (each has one writer, the consumer of its partition); what is written
 * from many partitions at once in this process goes through this one: tag usage counts.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await section();
    } finally {
      release();
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }
}
