import { v5 as uuidv5 } from 'uuid';
import {
  COMMAND_SCHEMA_VERSION,
  type ContactCommandOf,
  JobKinds,
  type JobKind,
} from '@switchboard/contracts';
import type { JobStep } from '../write/contact-commands';
import type { Job } from './job.schema';

/** The kinds of job that change contacts, one step per contact: all but campaign dispatch. */
export const CONTACT_JOB_KINDS: readonly JobKind[] = JobKinds.filter((kind) => kind !== 'campaign-dispatch');

/** Namespace of job step ids (UUIDv5 of tenant, job and contact). */
const STEP_NAMESPACE = '0d7f3a52-8a5e-4f8c-b7f4-3b2c7c1e9d40';

/** The id of a job's step on one contact: the same on every run of the job, so applied once. */
export function jobStepId(tenantId: string, jobId: string, contactId: string): string {
  return uuidv5(`${tenantId}\n${jobId}\n${contactId}`, STEP_NAMESPACE);
}

/** A job's step on one contact as the command the contact's partition applies. */
export function jobStepCommand(
  job: Job,
  contactId: string,
  issuedAt: Date,
): ContactCommandOf<'contact.job-step'> {
  return {
    commandId: jobStepId(job.tenantId, job.jobId, contactId),
    tenantId: job.tenantId,
    contactId,
    actor: job.requestedBy,
    issuedAt: issuedAt.toISOString(),
    type: 'contact.job-step',
    version: COMMAND_SCHEMA_VERSION,
    payload: { jobId: job.jobId },
  };
}

/** The step as the contact's writer applies it: the job's actor, and for a block job the command it stands for. */
export function jobStepOf(job: Job, contactId: string): JobStep {
  return {
    stepId: jobStepId(job.tenantId, job.jobId, contactId),
    tenantId: job.tenantId,
    actor: job.requestedBy,
    ...blockCommandOf(job),
  };
}

/** The command a bulk block or unblock step stands for: its events carry its type and reason. */
function blockCommandOf(job: Job): Pick<JobStep, 'command' | 'reason'> {
  if (job.kind === 'bulk-block') {
    const { reason, until } = job.params.block;
    const payload = {
      ...(reason !== undefined && { reason }),
      ...(until && { until: new Date(until).toISOString() }),
    };
    return { reason, command: { type: 'contact.block', payload } };
  }
  if (job.kind === 'bulk-unblock') {
    const { reason } = job.params.block;
    return {
      reason,
      command: { type: 'contact.unblock', payload: { ...(reason !== undefined && { reason }) } },
    };
  }
  return {};
}
