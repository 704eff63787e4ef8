import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { releasedNameKey } from '../store/name-key';
import { Segment, segmentDocumentId } from './segment.schema';

@Injectable()
export class SegmentsRepository {
  constructor(@InjectModel(Segment.name) private readonly segments: Model<Segment>) {}

  /** False when the id or the name is taken. */
  async insert(segment: Segment): Promise<boolean> {
    try {
      await this.segments.create(segment);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }
      throw error;
    }
  }

  /** A segment by id, deleted ones included. */
  get(tenantId: string, segmentId: string): Promise<Segment | null> {
    return this.segments.findById(segmentDocumentId(tenantId, segmentId)).lean<Segment>().exec();
  }

  /** The live segment, or null. */
  async find(tenantId: string, segmentId: string): Promise<Segment | null> {
    const segment = await this.get(tenantId, segmentId);
    return segment && !segment.deletedAt ? segment : null;
  }

  list(tenantId: string): Promise<Segment[]> {
    return this.segments
      .find({ tenantId, deletedAt: { $exists: false } })
      .sort({ nameKey: 1 })
      .limit(1_000)
      .lean<Segment[]>()
      .exec();
  }

  /** Deletes softly and frees the name. */
  async markDeleted(segment: Segment, commandId: string, now: Date): Promise<void> {
    await this.segments
      .updateOne(
        { _id: segment._id },
        {
          $set: { deletedAt: now, deletedByCommand: commandId, nameKey: releasedNameKey(segment.segmentId) },
        },
      )
      .exec();
  }
}
