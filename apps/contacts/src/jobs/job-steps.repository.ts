import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { findExactly } from '../store/exact-reads';
import { JobStepRecord, jobStepDocumentId, type JobStepOutcome } from './job-step.schema';

/** The outcomes of job steps: written by the contact's writer, read by the job. */
@Injectable()
export class JobStepsRepository {
  constructor(@InjectModel(JobStepRecord.name) private readonly steps: Model<JobStepRecord>) {}

  /** Records a step's outcome; the first recorded stays (a redelivered step records nothing new). */
  async record(tenantId: string, jobId: string, stepId: string, outcome: JobStepOutcome): Promise<void> {
    try {
      await this.steps.create({
        _id: jobStepDocumentId(tenantId, stepId),
        tenantId,
        jobId,
        outcome,
        recordedAt: new Date(),
      });
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
