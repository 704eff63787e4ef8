import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Actor, JobKind, JobStatus, JobView } from '@switchboard/contracts';
import type { CarriedTag } from '../tags/tag-catalog.repository';
import type { ResolvedSegment } from '../segments/segment-query';

/** Which contacts a bulk job changes: the ids it was given, or a segment resolved when it started. */
export interface BulkJobTarget {
  contactIds?: string[];
  segment?: ResolvedSegment;
}

/** What each kind of job works on. */
export interface JobParamsOf {
  'tag-rename': { tagId: string };
  'tag-delete': { tagId: string };
  /** The contacts carry `intoTagId` instead of `tagId`. */
  'tag-merge': { tagId: string; intoTagId: string };
  'bulk-tag': BulkJobTarget & { tags: CarriedTag[] };
  'bulk-untag': BulkJobTarget & { tags: CarriedTag[] };
  /** The reason, and for a temporary block when it ends. */
  'bulk-block': BulkJobTarget & { block: { reason?: string; until?: Date } };
  'bulk-unblock': BulkJobTarget & { block: { reason?: string } };
  'campaign-dispatch': { campaignId: string };
}

/**
 * A background job over many contacts. Progress is saved as it goes; a job whose owner
 * stopped (its lease ran out) is picked up again by any contacts instance and resumes.
 */
@Schema({ collection: 'jobs', versionKey: false, minimize: false })
export class StoredJob {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  jobId: string;

  @Prop({ type: String, required: true })
  kind: JobKind;

  @Prop({ type: String, required: true })
  status: JobStatus;

  @Prop({ type: Object, required: true })
  requestedBy: Actor;

  @Prop({ type: Object, required: true })
  params: JobParamsOf[JobKind];

  /** Id-list jobs: how many ids from the start of the list are done. */
  @Prop({ required: true, default: 0 })
  position: number;

  @Prop({ required: true, default: 0 })
  processed: number;

  @Prop({ required: true, default: 0 })
  changed: number;

  @Prop({ required: true, default: 0 })
  skipped: number;

  @Prop()
  total?: number;

  /**
   * Contacts whose steps were under way when progress was last saved. A run that resumes
   * first publishes whatever they left pending (a crash between a step's write and its event).
   */
  @Prop({ type: [String], default: [] })
  inFlight: string[];

  /** How many times a run of the job started; more than one means it resumed. */
  @Prop({ required: true, default: 0 })
  runs: number;

  /** Runs in a row that failed (the store or Kafka away, or a bug); reset by progress. */
  @Prop({ required: true, default: 0 })
  failures: number;

  @Prop()
  lastError?: string;

  @Prop()
  leaseOwner?: string;

  @Prop()
  leaseUntil?: Date;

  @Prop({ required: true })
  startedAt: Date;

  @Prop({ required: true })
  updatedAt: Date;

  @Prop()
  finishedAt?: Date;
}

export const JobSchema = SchemaFactory.createForClass(StoredJob);

/** A job as stored, its params those of its kind: `switch (job.kind)` narrows them. */
export type Job = {
  [Kind in JobKind]: Omit<StoredJob, 'kind' | 'params'> & { kind: Kind; params: JobParamsOf[Kind] };
}[JobKind];
export type JobOf<Kind extends JobKind> = Extract<Job, { kind: Kind }>;

/** The ids a bulk job was given, in order; undefined for a job over a segment or the catalog. */
export function listedContactIds(job: Pick<Job, 'params'>): string[] | undefined {
  return 'contactIds' in job.params ? job.params.contactIds : undefined;
}
JobSchema.index({ status: 1 });

export function jobDocumentId(tenantId: string, jobId: string): string {
  return `${tenantId}:${jobId}`;
}

export function toJobView(job: Job): JobView {
  return {
    jobId: job.jobId,
    kind: job.kind,
    status: job.status,
    processed: job.processed,
    changed: job.changed,
    skipped: job.skipped,
    ...(job.total !== undefined && { total: job.total }),
    requestedBy: job.requestedBy.id,
    startedAt: new Date(job.startedAt).toISOString(),
    ...(job.finishedAt && { finishedAt: new Date(job.finishedAt).toISOString() }),
    ...(job.lastError && { lastError: job.lastError }),
  };
}

/** The job document a command starts. */
export function newJob<Kind extends JobKind>(
  tenantId: string,
  jobId: string,
  kind: Kind,
  requestedBy: Actor,
  params: JobParamsOf[Kind],
  now: Date,
): Job {
  const listed = listedContactIds({ params });
  return {
    _id: jobDocumentId(tenantId, jobId),
    tenantId,
    jobId,
    kind,
    status: 'running',
    requestedBy,
    params,
    position: 0,
    processed: 0,
    changed: 0,
    skipped: 0,
    inFlight: [],
    ...(listed && { total: listed.length }),
    runs: 0,
    failures: 0,
    startedAt: now,
    updatedAt: now,
  } as Job;
}
