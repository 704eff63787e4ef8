import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Actor } from '@switchboard/contracts';

export interface ActivityDetails {
  /** Why a block or unblock happened (`expired` for a temporary block that ended). */
  reason?: string;
  /** When a temporary block ends. */
  until?: string;
  changedFields?: string[];
  noteId?: string;
  /** The tags the contact carries after a tag change. */
  tags?: string[];
  /** The contact merged into this one (the same customer under another spelling of an identity). */
  mergedContactId?: string;
}

/** One line of a contact's append-only timeline; `_id` is `tenantId:eventId`. */
@Schema({ collection: 'activity', versionKey: false })
export class ActivityEntry {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  contactId: string;

  @Prop({ required: true })
  eventId: string;

  /** The event type: ContactBlocked, NoteAdded, … */
  @Prop({ required: true })
  type: string;

  @Prop({ type: Object, required: true })
  actor: Actor;

  @Prop({ required: true })
  occurredAt: Date;

  @Prop({ type: Object, default: {} })
  details: ActivityDetails;
}

export const ActivityEntrySchema = SchemaFactory.createForClass(ActivityEntry);
ActivityEntrySchema.index({ tenantId: 1, contactId: 1, occurredAt: -1 });

export interface ActivityView {
  eventId: string;
  type: string;
  actor: Actor;
  occurredAt: string;
  details: ActivityDetails;
}

export function toActivityView(entry: ActivityEntry): ActivityView {
  return {
    eventId: entry.eventId,
    type: entry.type,
    actor: entry.actor,
    occurredAt: new Date(entry.occurredAt).toISOString(),
    details: entry.details ?? {},
  };
}
