/**
 * The channel message ids one gateway instance published lately, at most `capacity` of them
 * (the oldest forgotten first), so a webhook a platform delivers again publishes nothing new.
 * It is a first line only: another instance, or an id older than the bound, is published again
 * and the consumers' idempotency by `messageId` (one stored message per tenant and id) holds.
 */
export class RecentMessageIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.ids.size;
  }

  /**
   * Takes an id for publishing: false when it was published (or is being published) already.
   * A claim whose publication fails is `release`d, so the platform's retry goes through.
   */
  claim(id: string): boolean {
    if (this.capacity === 0) {
      return true;
    }
    if (this.ids.has(id)) {
      return false;
    }
    if (this.ids.size >= this.capacity) {
      // a Set iterates in insertion order: the first is the oldest
      this.ids.delete(this.ids.values().next().value as string);
    }
    this.ids.add(id);
    return true;
  }

  release(id: string): void {
    this.ids.delete(id);
  }
}
