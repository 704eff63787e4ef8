import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min } from 'class-validator';

export const JOB_ID_PATTERN = /^j_[A-Za-z0-9_-]{1,64}$/;
export const JobKinds = [
  'tag-rename',
  'tag-delete',
  'tag-merge',
  'bulk-tag',
  'bulk-untag',
  'bulk-block',
  'bulk-unblock',
  'campaign-dispatch',
] as const;
export type JobKind = (typeof JobKinds)[number];
export const JobStatuses = ['running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JobStatuses)[number];

/** A background job over many contacts and how far it got. */
export class JobView {
  @Matches(JOB_ID_PATTERN)
  jobId: string;

  @IsIn(JobKinds)
  kind: JobKind;

  @IsIn(JobStatuses)
  status: JobStatus;

  /** Contacts looked at so far. */
  @IsInt()
  @Min(0)
  processed: number;

  /** Contacts the job changed. */
  @IsInt()
  @Min(0)
  changed: number;

  /** Contacts the job could not change (a contact already at the tag limit, or gone, for example). */
  @IsInt()
  @Min(0)
  skipped: number;

  /** Contacts in the job, when known from the start (a list of ids). */
  @IsOptional()
  @IsInt()
  @Min(0)
  total?: number;

  @IsString()
  requestedBy: string;

  @IsISO8601()
  startedAt: string;

  @IsOptional()
  @IsISO8601()
  finishedAt?: string;

  /** Why the last run failed; a job that keeps failing ends `failed` with it. */
  @IsOptional()
  @IsString()
  lastError?: string;
}
