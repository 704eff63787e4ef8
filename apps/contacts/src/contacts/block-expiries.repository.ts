import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { BlockExpiry } from './block-expiry.schema';

/** The automatic unblocks under way (see `BlockExpiry`); a handful at any time, of every tenant. */
@Injectable()
export class BlockExpiriesRepository {
  constructor(@InjectModel(BlockExpiry.name) private readonly expiries: Model<BlockExpiry>) {}

  async note(expiry: BlockExpiry): Promise<void> {
    await this.expiries.replaceOne({ _id: expiry._id }, expiry, { upsert: true }).exec();
  }

  unfinished(): Promise<BlockExpiry[]> {
    return this.expiries.find({}).lean<BlockExpiry[]>().exec();
  }

  async done(expiry: BlockExpiry): Promise<void> {
    // Only this expiry: a later block of the contact may have been noted since.
    await this.expiries.deleteOne({ _id: expiry._id, until: expiry.until }).exec();
  }
}
