import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CommandOutcome } from './command-outcome.schema';

/** Command outcomes of one tenant at a time, by `tenantId:commandId`. */
@Injectable()
export class CommandOutcomesRepository {
  constructor(@InjectModel(CommandOutcome.name) private readonly outcomes: Model<CommandOutcome>) {}

  find(tenantId: string, commandId: string): Promise<CommandOutcome | null> {
    return this.outcomes.findById(`${tenantId}:${commandId}`).lean<CommandOutcome>().exec();
  }

  async record(
    tenantId: string,
    commandId: string,
    eventType: string,
    event: CommandOutcome['event'],
  ): Promise<void> {
    await this.outcomes
      .updateOne(
        { _id: `${tenantId}:${commandId}` },
        { $setOnInsert: { tenantId, commandId, eventType, event, recordedAt: new Date() } },
        { upsert: true },
      )
      .exec();
  }

  /** Drops outcomes older than the retention (FerretDB has no TTL indexes). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.outcomes.deleteMany({ recordedAt: { $lt: cutoff } }).exec();
    return result.deletedCount;
  }
}
