import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { BoundedBulk } from '../store/bounded-bulk';
import { findExactly } from '../store/exact-reads';
import { WriteFencedError } from '../store/write-fenced.error';
import { TagUsageShare, tagUsageShareId } from './tag-usage.schema';

/**
 * Publications a share remembers having counted. One is counted again only when what a batch
 * applied is published again: a batch replayed after a crash or a rebalance, whose outboxes were
 * not emptied yet, at the latest the last slice published on the partition (a slice empties its
 * outboxes before the next starts). A few slices' worth, and no more: FerretDB rewrites the
 * whole document on every count.
 */
export const PUBLICATIONS_REMEMBERED = 300;

/** How one applied change moves one tag's usage. */
export interface UsageDelta {
  tenantId: string;
  tagId: string;
  delta: number;
  /** The publication (command or job step id) the change belongs to: counted once. */
  publicationId: string;
}

/** A share as a count wrote it: its version and the last publication it counted. */
export interface CountedShare {
  _id: string;
  version: number;
  lastCounted: string;
}

/**
 * Tag usage counts as shares per partition of `contacts.commands` (see TagUsageShare): the
 * consumer of a partition counts the changes it applied in its own shares, once per
 * publication, with writes conditional on the version it read.
 */
@Injectable()
export class TagUsageRepository {
  constructor(
    @InjectModel(TagUsageShare.name) private readonly shares: Model<TagUsageShare>,
    private readonly bulk: BoundedBulk,
  ) {}

  /**
   * Counts a batch's deltas in the partition's shares: one read and one write per tag, each
   * publication once. A share written meanwhile by another process fails the whole count
   * (WriteFencedError); counting again then skips what was counted.
   */
  async count(partition: number, deltas: readonly UsageDelta[]): Promise<CountedShare[]> {
    const byShare = new Map<string, UsageDelta[]>();
    for (const delta of deltas.filter((each) => each.delta !== 0)) {
      const id = tagUsageShareId(delta.tenantId, delta.tagId, partition);
      byShare.set(id, [...(byShare.get(id) ?? []), delta]);
    }
    if (byShare.size === 0) {
      return [];
    }
    const current = await findExactly(this.shares, [...byShare.keys()]);
    const inserts: TagUsageShare[] = [];
    const written: CountedShare[] = [];
    const updates: AnyBulkWriteOperation<TagUsageShare>[] = [];
    for (const [_id, shareDeltas] of byShare) {
      const share = current.get(_id);
      const counted = new Set(share?.counted ?? []);
      const fresh = shareDeltas.filter(({ publicationId }) => {
        const isFresh = !counted.has(publicationId);
        counted.add(publicationId);
        return isFresh;
      });
      if (fresh.length === 0) {
        continue;
      }
      const count = (share?.count ?? 0) + fresh.reduce((sum, { delta }) => sum + delta, 0);
      // Never fewer than this count's own: a retry of this count must find them all.
      const window = [...counted].slice(-Math.max(PUBLICATIONS_REMEMBERED, fresh.length));
      written.push({ _id, version: (share?.version ?? 0) + 1, lastCounted: window[window.length - 1] });
      if (!share) {
        const { tenantId, tagId } = fresh[0];
        inserts.push({ _id, tenantId, tagId, partition, count, version: 1, counted: window });
      } else {
        updates.push({
          updateOne: {
            filter: { _id, version: share.version },
            update: { $set: { count, counted: window, version: share.version + 1 } },
          },
        });
      }
    }
    await this.bulk.writeFenced(this.shares, 'tag usage shares', inserts, updates);
    return written;
  }

  /**
   * Reads counted shares back: one no longer as written (another version, or the same version
   * with other publications: two conditional writes that both passed, on a store where that is
   * not atomic) was overwritten by another process, and the batch counts again.
   */
  async verifyCounted(written: readonly CountedShare[]): Promise<void> {
    const stored = await findExactly(
      this.shares,
      written.map((share) => share._id),
    );
    const overwritten = written.filter(({ _id, version, lastCounted }) => {
      const share = stored.get(_id);
      return share?.version !== version || share.counted[share.counted.length - 1] !== lastCounted;
    });
    if (overwritten.length > 0) {
      throw new WriteFencedError(
        `${overwritten.length} tag usage shares were overwritten by another process`,
      );
    }
  }

  /** Each tag's usage counted in shares (tags never counted are left out). */
  async totals(tenantId: string, tagIds?: readonly string[]): Promise<Map<string, number>> {
    const found = tagIds
      ? (
          await Promise.all(
            [...new Set(tagIds)].map((tagId) =>
              this.shares.find({ tenantId, tagId }, { tagId: 1, count: 1 }).lean<TagUsageShare[]>().exec(),
            ),
          )
        ).flat()
      : await this.shares.find({ tenantId }, { tagId: 1, count: 1 }).lean<TagUsageShare[]>().exec();
    const totals = new Map<string, number>();
    for (const share of found) {
      totals.set(share.tagId, (totals.get(share.tagId) ?? 0) + share.count);
    }
    return totals;
  }
}
