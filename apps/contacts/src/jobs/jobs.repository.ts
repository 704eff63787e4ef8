import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { jobDocumentId, StoredJob, type Job } from './job.schema';

export type JobProgress = Pick<Job, 'position' | 'processed' | 'changed' | 'skipped'>;

@Injectable()
export class JobsRepository {
  constructor(@InjectModel(StoredJob.name) private readonly jobs: Model<StoredJob>) {}

  /** Inserts a job; false if a job with its id exists (a redelivered command). */
  async insert(job: Job): Promise<boolean> {
    try {
      await this.jobs.create(job);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }
      throw error;
    }
  }

  get(tenantId: string, jobId: string): Promise<Job | null> {
    return this.jobs.findById(jobDocumentId(tenantId, jobId)).lean<Job>().exec();
  }

  /** Every unfinished job, of every tenant (jobs are few). */
  running(): Promise<Job[]> {
    return this.jobs.find({ status: 'running' }).lean<Job[]>().exec();
  }

  /**
   * Takes the job for `owner` until `until` if nobody else holds it, and counts a run.
   * (On FerretDB the filter is not re-checked atomically: two instances may both run a job
   * in a rare race. Every step is idempotent by its step id, so that costs work, not
   * correctness; MongoDB makes the claim atomic.)
   */
  async claim(job: Job, owner: string, now: Date, until: Date): Promise<boolean> {
    const result = await this.jobs
      .updateOne(
        {
          _id: job._id,
          status: 'running',
          $or: [{ leaseOwner: { $exists: false } }, { leaseOwner: owner }, { leaseUntil: { $lt: now } }],
        },
        { $set: { leaseOwner: owner, leaseUntil: until, updatedAt: now }, $inc: { runs: 1 } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async saveProgress(job: Job, progress: JobProgress, leaseUntil: Date): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: job._id },
        { $set: { ...progress, inFlight: [], failures: 0, leaseUntil, updatedAt: new Date() } },
      )
      .exec();
  }

  /** Notes the contacts whose steps start now (see `Job.inFlight`). */
  async markInFlight(job: Job, contactIds: string[]): Promise<void> {
    await this.jobs.updateOne({ _id: job._id }, { $set: { inFlight: contactIds } }).exec();
  }

  async complete(job: Job, progress: JobProgress, now: Date): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: job._id },
        {
          $set: { ...progress, inFlight: [], status: 'completed', finishedAt: now, updatedAt: now },
          $unset: { leaseOwner: 1, leaseUntil: 1 },
        },
      )
      .exec();
  }

  /** Records a failed run; the job ends `failed` once `final`, or is tried again later. */
  async recordFailure(job: Job, reason: string, final: boolean): Promise<void> {
    const now = new Date();
    await this.jobs
      .updateOne(
        { _id: job._id },
        {
          $set: { lastError: reason, updatedAt: now, ...(final && { status: 'failed', finishedAt: now }) },
          $inc: { failures: 1 },
        },
      )
      .exec();
  }

  /** Holds the job longer while its steps are under way. */
  async keepLease(job: Job, leaseUntil: Date): Promise<void> {
    await this.jobs.updateOne({ _id: job._id }, { $set: { leaseUntil, updatedAt: new Date() } }).exec();
  }

  /**
   * Lets another instance (or this one, after a restart) pick the job up at once. The steps in
   * flight stay noted: an interrupted chunk is sent again.
   */
  async release(job: Job, progress: JobProgress): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: job._id },
        {
          $set: { ...progress, updatedAt: new Date() },
          $unset: { leaseOwner: 1, leaseUntil: 1 },
        },
      )
      .exec();
  }
}
