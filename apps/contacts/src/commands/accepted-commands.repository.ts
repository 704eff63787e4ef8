import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { AcceptedCommand } from './accepted-command.schema';

/** Commands under way without an outcome, one tenant at a time, by `tenantId:commandId`. */
@Injectable()
export class AcceptedCommandsRepository {
  constructor(@InjectModel(AcceptedCommand.name) private readonly accepted: Model<AcceptedCommand>) {}

  async has(tenantId: string, commandId: string): Promise<boolean> {
    return (await this.accepted.exists({ _id: `${tenantId}:${commandId}` }).exec()) !== null;
  }

  /** Notes a command as accepted, once (one insert; a repeat changes nothing). */
  async record(tenantId: string, commandId: string, now: Date): Promise<void> {
    try {
      await this.accepted.create({ _id: `${tenantId}:${commandId}`, tenantId, commandId, acceptedAt: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }

  /** Drops records older than the outcomes' retention (FerretDB has no TTL indexes). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.accepted.deleteMany({ acceptedAt: { $lt: cutoff } }).exec();
    return result.deletedCount;
  }
}
