import type { JobKind } from '@switchboard/contracts';
import type { JobProgress } from './jobs.repository';
import type { Job } from './job.schema';

/** One run of a job, as the runner hands it to the work that knows its kind. */
export interface JobRun {
  readonly job: Job;
  /** False once the service is stopping: save progress and return 'interrupted'. */
  shouldContinue(): boolean;
  /** Saves how far the job got, and keeps holding it. */
  saveProgress(progress: JobProgress): Promise<void>;
  /** Keeps holding the job while it waits (its lease would otherwise run out). */
  keepAlive(): Promise<void>;
}

/** What carries out the jobs of some kinds. Work must be resumable from saved progress. */
export interface JobWork {
  readonly kinds: readonly JobKind[];
  run(run: JobRun): Promise<{ outcome: 'completed' | 'interrupted'; progress: JobProgress }>;
}

export const JOB_WORKS = Symbol('JOB_WORKS');

export function progressOf(job: Job): JobProgress {
  return { position: job.position, processed: job.processed, changed: job.changed, skipped: job.skipped };
}
