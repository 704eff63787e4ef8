import { Injectable } from '@nestjs/common';
import type { ContactEvent } from '@switchboard/contracts';
import type { ActivityDetails } from './activity-entry.schema';
import { ActivityRepository } from './activity.repository';

/** What the timeline shows of an event; no-ops, rejections and tenant-level events leave no trace. */
export function activityDetails(event: ContactEvent): ActivityDetails | undefined {
  if (event.contactId === undefined || !('changed' in event.payload) || !event.payload.changed) {
    return undefined;
  }
  if ('note' in event.payload) {
    return { noteId: event.payload.note.noteId };
  }
  const { contact, changedFields, reason } = event.payload;
  if (event.type === 'ContactBlocked') {
    const { reason: blockReason, until } = contact.block;
    return { ...(blockReason && { reason: blockReason }), ...(until && { until }) };
  }
  if (event.type === 'ContactUnblocked') {
    return reason ? { reason } : {};
  }
  if (event.type === 'ContactTagged' || event.type === 'ContactUntagged') {
    return { tags: contact.tags };
  }
  return { changedFields: changedFields ?? [] };
}

/** Builds each contact's activity timeline from `contacts.events`, once per event. */
@Injectable()
export class ActivityProjector {
  constructor(private readonly activity: ActivityRepository) {}

  /** Appends the entries of a batch of events (those that leave a trace) in bounded inserts. */
  async project(events: ContactEvent[]): Promise<void> {
    const entries = events.flatMap((event) => {
      const details = activityDetails(event);
      if (!details || event.contactId === undefined) {
        return [];
      }
      return [
        {
          tenantId: event.tenantId,
          contactId: event.contactId,
          eventId: event.eventId,
          type: event.type,
          actor: event.actor,
          occurredAt: new Date(event.occurredAt),
          details,
        },
      ];
    });
    if (entries.length > 0) {
      await this.activity.appendAll(entries);
    }
  }
}
