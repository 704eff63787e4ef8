import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ChangeOutcome } from '../write/contact-commands';

/** How one job step ended, as the job counts it. */
export type JobStepOutcome = ChangeOutcome['kind'];

/**
 * The outcome of one job step, recorded by the contact's writer once it applied the step, for
 * the job that sent it to count. `_id` is `tenantId:stepId`. Kept as long as command outcomes.
 */
@Schema({ collection: 'job_steps', versionKey: false })
export class JobStepRecord {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  jobId: string;

  @Prop({ type: String, required: true })
  outcome: JobStepOutcome;

  @Prop({ required: true })
  recordedAt: Date;
}

export const JobStepRecordSchema = SchemaFactory.createForClass(JobStepRecord);
JobStepRecordSchema.index({ recordedAt: 1 });

export function jobStepDocumentId(tenantId: string, stepId: string): string {
  return `${tenantId}:${stepId}`;
}
