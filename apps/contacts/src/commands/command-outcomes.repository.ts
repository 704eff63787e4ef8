import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { BoundedBulk } from '../store/bounded-bulk';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { findExactly } from '../store/exact-reads';
import { CommandOutcome } from './command-outcome.schema';

/** Command outcomes of one tenant at a time, by `tenantId:commandId`. */
@Injectable()
export class CommandOutcomesRepository {
  constructor(
    @InjectModel(CommandOutcome.name) private readonly outcomes: Model<CommandOutcome>,
    private readonly bulk: BoundedBulk,
  ) {}

  find(tenantId: string, commandId: string): Promise<CommandOutcome | null> {
    return this.outcomes.findById(`${tenantId}:${commandId}`).lean<CommandOutcome>().exec();
  }

  /** Which of these commands have an outcome recorded, as `tenantId:commandId`. */
  async recordedOf(commands: readonly { tenantId: string; commandId: string }[]): Promise<Set<string>> {
    if (commands.length === 0) {
      return new Set();
    }
    const found = await findExactly(
      this.outcomes,
      commands.map(({ tenantId, commandId }) => `${tenantId}:${commandId}`),
      { _id: 1 },
    );
    return new Set(found.keys());
  }

  /**
   * Records a command's outcome once: the first one recorded stays (one insert, no upsert).
   * False when the command already had one.
   */
  async record(
    tenantId: string,
    commandId: string,
    eventType: string,
    event: CommandOutcome['event'],
  ): Promise<boolean> {
    try {
      await this.outcomes.create({
        _id: `${tenantId}:${commandId}`,
        tenantId,
        commandId,
        eventType,
        event,
        recordedAt: new Date(),
      });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      return false;
    }
  }

  /**
   * Records many commands' outcomes in bounded unordered inserts: each command's first recorded
   * outcome stays (a command that already had one keeps it).
   */
  async recordAll(
    outcomes: readonly Pick<CommandOutcome, 'tenantId' | 'commandId' | 'eventType' | 'event'>[],
  ): Promise<void> {
    const recordedAt = new Date();
    const documents = outcomes.map((outcome) => ({
      _id: `${outcome.tenantId}:${outcome.commandId}`,
      ...outcome,
      recordedAt,
    }));
    await this.bulk.insertNew(this.outcomes, documents);
  }

  /** Drops outcomes older than the retention (FerretDB has no TTL indexes). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.outcomes.deleteMany({ recordedAt: { $lt: cutoff } }).exec();
    return result.deletedCount;
  }
}
