import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { findExactly } from '../store/exact-reads';
import { JobStepRecord, jobStepDocumentId, type JobStepOutcome } from './job-step.schema';

type StepListener = (stepId: string, outcome: JobStepOutcome) => void;

/**
 * The outcomes of job steps: written by the contact's writer, read by the job. A job waiting in
 * this process hears of the steps this process records at once (see `listen`); the others it
 * reads from the store.
 */
@Injectable()
export class JobStepsRepository {
  private readonly listeners = new Map<string, StepListener>();

  constructor(@InjectModel(JobStepRecord.name) private readonly steps: Model<JobStepRecord>) {}

  /** Calls `listener` as this process records any of these steps; returns how to stop. */
  listen(tenantId: string, stepIds: readonly string[], listener: StepListener): () => void {
    const ids = stepIds.map((stepId) => jobStepDocumentId(tenantId, stepId));
    for (const id of ids) {
      this.listeners.set(id, listener);
    }
    return () => {
      for (const id of ids) {
        if (this.listeners.get(id) === listener) {
          this.listeners.delete(id);
        }
      }
    };
  }

  /** Records a step's outcome; the first recorded stays (a redelivered step records nothing new). */
  async record(tenantId: string, jobId: string, stepId: string, outcome: JobStepOutcome): Promise<void> {
    const _id = jobStepDocumentId(tenantId, stepId);
    try {
      await this.steps.create({ _id, tenantId, jobId, outcome, recordedAt: new Date() });
      this.listeners.get(_id)?.(stepId, outcome);
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }

  /** The outcomes recorded so far of these steps, by step id. */
  async outcomesOf(tenantId: string, stepIds: readonly string[]): Promise<Map<string, JobStepOutcome>> {
    const found = await findExactly(
      this.steps,
      stepIds.map((stepId) => jobStepDocumentId(tenantId, stepId)),
      { outcome: 1 },
    );
    return new Map([...found.values()].map((step) => [step._id.slice(tenantId.length + 1), step.outcome]));
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const { deletedCount } = await this.steps.deleteMany({ recordedAt: { $lt: cutoff } }).exec();
    return deletedCount;
  }
}
