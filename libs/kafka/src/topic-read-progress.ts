import type { Admin } from 'kafkajs';
import { backoffMs, classifyFailure } from './error-classification';

/** How long a reader waits out a topic whose partitions have no leader yet (just created, an election). */
const END_OFFSETS_PATIENCE_MS = 60_000;

/**
 * How far a private reader has read a topic, against the end offsets the topic had when the
 * reader started: once every partition is read up to those, the reader has seen everything
 * written before it started (a loaded blocklist, every filter's last report).
 */
export class TopicReadProgress {
  private readonly next = new Map<number, bigint>();
  private ends?: Map<number, bigint>;
  private reached = false;

  /** Takes the topic's current end offsets as the goal; empty partitions count as read. */
  async start(admin: Admin, topic: string): Promise<void> {
    const offsets = await endOffsets(admin, topic);
    this.ends = new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
    for (const { partition, low } of offsets) {
      // Everything before the low watermark is gone from the topic: nothing to read there.
      if (!this.next.has(partition)) {
        this.next.set(partition, BigInt(low));
      }
    }
    this.check();
  }

  /** Records that `offset` of `partition` has been read and applied. */
  advance(partition: number, offset: string): void {
    this.next.set(partition, BigInt(offset) + 1n);
    this.check();
  }

  /** True once every partition was read up to the end offsets at start. */
  get caughtUp(): boolean {
    return this.reached;
  }

  /** The next offset to read, per partition, as decimal strings. */
  offsets(): Record<string, string> {
    return Object.fromEntries(
      [...this.next].map(([partition, offset]) => [String(partition), offset.toString()]),
    );
  }

  private check(): void {
    if (this.reached || !this.ends) {
      return;
    }
    for (const [partition, end] of this.ends) {
      if ((this.next.get(partition) ?? 0n) < end) {
        return;
      }
    }
    this.reached = true;
  }
}

/** The topic's offsets; transient answers (no leader yet, a leader moving) are retried with backoff. */
export async function endOffsets(admin: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  const giveUpAt = Date.now() + END_OFFSETS_PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (classifyFailure(error) !== 'transient' || Date.now() >= giveUpAt) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
