import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { counter, gauge } from '@switchboard/observability';
import { ContactsSettings } from '../contacts-settings';
import { JobsRepository, type JobProgress } from './jobs.repository';
import type { Job } from './job.schema';
import { JOB_WORKS, type JobWork } from './job-work';

const POLL_MS = 1_000;
const RETRY_AFTER_FAILURE_MS = 5_000;
/** Failed runs in a row (with no progress in between) after which a job ends `failed`. */
const FAILURES_MAX = 10;

const jobRuns = counter({
  name: 'switchboard_job_runs_total',
  help: 'Background job runs, by kind and how they ended',
  labelNames: ['kind', 'outcome'] as const,
});
const activeJobs = gauge({
  name: 'switchboard_jobs_active',
  help: 'Background jobs running in this process',
});

/**
 * Runs background jobs (catalog renames and deletions, bulk tagging, campaign dispatch).
 * Polls the store for unfinished jobs, takes the ones nobody holds and hands each to the work
 * of its kind. On shutdown it lets each job reach a safe point, saves its progress and gives it
 * back; after a crash the lease runs out and the job resumes from its saved progress.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly owner = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly active = new Map<string, Promise<void>>();
  private readonly failedUntil = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly settings: ContactsSettings,
    @Inject(JOB_WORKS) private readonly works: JobWork[],
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.polling;
    await Promise.allSettled(this.active.values());
  }

  /** Looks for jobs now (a command just created one). */
  wake(): void {
    if (this.stopping || this.polling) {
      return;
    }
    this.polling = this.poll()
      .catch((error: unknown) => this.logger.warn({ reason: (error as Error).message }, 'job poll failed'))
      .finally(() => (this.polling = undefined));
  }

  private async poll(): Promise<void> {
    for (const job of await this.jobs.running()) {
      if (this.stopping || this.active.size >= this.settings.JOBS_CONCURRENTLY) {
        return;
      }
      if (this.active.has(job._id) || (this.failedUntil.get(job._id) ?? 0) > Date.now()) {
        continue;
      }
      const now = new Date();
      if (
        !(await this.jobs.claim(job, this.owner, now, new Date(now.getTime() + this.settings.JOB_LEASE_MS)))
      ) {
        continue;
      }
      const run = this.run({ ...job, runs: job.runs + 1 }).finally(() => {
        this.active.delete(job._id);
        activeJobs.set(this.active.size);
      });
      this.active.set(job._id, run);
      activeJobs.set(this.active.size);
    }
  }

  private async run(job: Job): Promise<void> {
    const work = this.works.find((candidate) => candidate.kinds.includes(job.kind));
    if (!work) {
      this.logger.error({ jobId: job.jobId, kind: job.kind }, 'no work for this kind of job');
      return;
    }
    this.logger.log(
      { tenantId: job.tenantId, jobId: job.jobId, kind: job.kind, resumed: job.runs > 0 },
      'job started',
    );
    try {
      const { outcome, progress } = await work.run({
        job,
        shouldContinue: () => !this.stopping,
        saveProgress: (saved: JobProgress) =>
          this.jobs.saveProgress(job, saved, new Date(Date.now() + this.settings.JOB_LEASE_MS)),
        keepAlive: () => this.jobs.keepLease(job, new Date(Date.now() + this.settings.JOB_LEASE_MS)),
      });
      if (outcome === 'completed') {
        await this.jobs.complete(job, progress, new Date());
        this.logger.log({ tenantId: job.tenantId, jobId: job.jobId, ...progress }, 'job completed');
      } else {
        await this.jobs.release(job, progress);
        this.logger.log({ tenantId: job.tenantId, jobId: job.jobId, ...progress }, 'job paused for shutdown');
      }
      jobRuns.inc({ kind: job.kind, outcome });
    } catch (error) {
      // The store or Kafka failed under it: the saved progress stays, the job is tried again,
      // unless it keeps failing without progress (then it says so in its status).
      const reason = (error as Error).message;
      const final = (job.failures ?? 0) + 1 >= FAILURES_MAX;
      this.failedUntil.set(job._id, Date.now() + RETRY_AFTER_FAILURE_MS);
      jobRuns.inc({ kind: job.kind, outcome: final ? 'failed' : 'retrying' });
      this.logger.warn(
        { jobId: job.jobId, reason, final },
        final ? 'job failed' : 'job run failed; it will resume',
      );
      await this.jobs.recordFailure(job, reason, final).catch(() => undefined);
    }
  }
}
