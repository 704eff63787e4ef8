import { Injectable } from '@nestjs/common';
import type { Document } from 'mongodb';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { ContactsSettings } from '../contacts-settings';
import { duplicateKeyPositions } from './duplicate-key';
import { WriteFencedError } from './write-fenced.error';
import { storeWriteBudget } from './store-write-budget';
import { WeightedPermits } from './weighted-permits';

/**
 * What a bulk's statements hold on FerretDB 1.24 while its command runs: a matched
 * `updateOne`/`replaceOne` keeps one PostgreSQL connection until the command ends; inserts and
 * deletes release theirs statement by statement (measured, docs/operations.md).
 */
export type BulkKind = 'update' | 'insert' | 'delete';

/** Statements per command of the bulks that hold nothing: only keeps requests small. */
const RELEASING_STATEMENTS_PER_COMMAND = 1_000;

/**
 * Update statements per command when their order does not matter: FerretDB 1.24 applies a
 * command's statements one after another, so the budget goes further as several small commands
 * at once (measured: 2 per command, 5 at once, about twice the updates per second of one
 * 10-statement command; docs/operations.md).
 */
const UNORDERED_UPDATES_PER_COMMAND = 2;

/** The items in consecutive slices of at most `size`. */
export function sliceInto<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    slices.push(items.slice(start, start + size));
  }
  return slices;
}

/**
 * Every multi-statement write of this service (bulkWrite, insertMany) goes through here: it is
 * sent as commands of at most the bound, one after another, so that order holds and the first
 * failing command stops the rest. Update statements of all bulks in flight in this process stay
 * within the process's share of the store's pool.
 */
@Injectable()
export class BoundedBulk {
  readonly updateStatementsPerCommand: number;
  private readonly updateStatements: WeightedPermits;

  constructor(settings: ContactsSettings) {
    // Every job streams one cursor, and an open cursor holds a connection like a statement.
    this.updateStatementsPerCommand = storeWriteBudget(settings, settings.JOBS_CONCURRENTLY).bulkStatements;
    this.updateStatements = new WeightedPermits(this.updateStatementsPerCommand);
  }

  /** Writes `items` with `command`, one bounded slice per call; returns each call's result. */
  async write<T, R>(kind: BulkKind, items: readonly T[], command: (slice: T[]) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    if (kind === 'update') {
      for (const slice of sliceInto(items, this.updateStatementsPerCommand)) {
        results.push(await this.updateStatements.run(slice.length, () => command(slice)));
      }
      return results;
    }
    for (const slice of sliceInto(items, RELEASING_STATEMENTS_PER_COMMAND)) {
      results.push(await command(slice));
    }
    return results;
  }

  /**
   * Writes update statements whose order does not matter (each on its own document) as small
   * commands, several at once, within the same budget of statements in flight. Every command
   * runs; the first failure is thrown once they all ended.
   */
  async writeUnordered<T, R>(items: readonly T[], command: (slice: T[]) => Promise<R>): Promise<R[]> {
    const slices = sliceInto(items, Math.min(UNORDERED_UPDATES_PER_COMMAND, this.updateStatementsPerCommand));
    const settled = await Promise.allSettled(
      slices.map((slice) => this.updateStatements.run(slice.length, () => command(slice))),
    );
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
  }

  /**
   * Writes documents decided from what was read, fenced: the new ones inserted, the others
   * updated on the condition each was decided from (their filters). A document that another
   * process created or changed meanwhile fails the write with a WriteFencedError naming `what`;
   * the caller reads and decides again.
   */
  async writeFenced<T extends Document>(
    model: Model<T>,
    what: string,
    inserts: readonly T[],
    updates: readonly AnyBulkWriteOperation<T>[],
  ): Promise<void> {
    await this.write('insert', inserts, async (slice) => {
      try {
        await model.insertMany(slice, { ordered: false, lean: true });
      } catch (error) {
        if (duplicateKeyPositions(error)) {
          throw new WriteFencedError(`one of the ${what} was created meanwhile by another process`);
        }
        throw error;
      }
    });
    // (mongoose types a bulk by the stored document; these are its own model's.)
    const results = await this.writeUnordered(updates, (slice) =>
      model.bulkWrite(slice as AnyBulkWriteOperation[], { ordered: false }),
    );
    const matched = results.reduce((total, result) => total + result.matchedCount, 0);
    if (matched !== updates.length) {
      throw new WriteFencedError(
        `${updates.length - matched} of ${updates.length} ${what} changed since they were read`,
      );
    }
  }

  /**
   * Inserts the documents whose `_id` is not taken yet, in bounded unordered inserts: one already
   * stored (written before a crash, or by another process) stays as it is.
   */
  async insertNew<T extends Document>(model: Model<T>, documents: readonly T[]): Promise<void> {
    await this.write('insert', documents, async (slice) => {
      try {
        await model.insertMany(slice, { ordered: false, lean: true });
      } catch (error) {
        if (!duplicateKeyPositions(error)) {
          throw error;
        }
      }
    });
  }
}
