import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import {
  commandKey,
  EVENT_SCHEMA_VERSION,
  identityKey,
  type BlocklistEntry,
  type Command,
  type ContactCommand,
  type ContactEvent,
  type FieldError,
  type NotePayload,
  type TopicNames,
} from '@switchboard/contracts';
import type { OutboundRecord } from '@switchboard/kafka';
import { contactChanges } from './contact-changes';
import { toContactView, type Contact } from './contact.schema';

/** The `contacts.events` record of an event. */
export function eventRecord(topics: TopicNames, event: ContactEvent): OutboundRecord {
  return {
    topic: topics.contactEvents,
    // A rejection of a command that named neither contact nor subject: keyed by its tenant.
    key: event.contactId === undefined && event.subject === undefined ? event.tenantId : commandKey(event),
    value: JSON.stringify(event),
    headers: { 'event-type': event.type, 'command-id': event.commandId },
  };
}

/** Events that carry the contact's new state. */
export type ContactStateEventType =
  | 'ContactCreated'
  | 'ContactUpdated'
  | 'ContactBlocked'
  | 'ContactUnblocked'
  | 'ContactTagged'
  | 'ContactUntagged';

/** What an event needs of the command that caused it. */
export type EventCause = Pick<ContactCommand, 'commandId' | 'tenantId' | 'actor'>;

/**
 * The envelope every event of a command shares: a fresh event id, the command's actor, now.
 * `about` is the contact id of a contact event, or the subject of a tenant command's event.
 */
export function eventOf<T extends ContactEvent['type']>(
  command: EventCause,
  about: { contactId: string } | { subject: string },
  type: T,
  payload: Extract<ContactEvent, { type: T }>['payload'],
  now: Date,
): ContactEvent {
  return {
    eventId: randomUUID(),
    commandId: command.commandId,
    tenantId: command.tenantId,
    ...about,
    actor: command.actor,
    occurredAt: now.toISOString(),
    type,
    version: EVENT_SCHEMA_VERSION,
    payload,
  } as ContactEvent;
}

/** The reason a command gives, if its payload has one (a block or an unblock). */
export function commandReason(command: ContactCommand): string | undefined {
  const { reason } = command.payload as { reason?: unknown };
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * A contact state event: the contact after the change, the fields it changed before and after
 * (from the two states, so every command and job step reports them alike) and the reason given.
 */
export function contactEvent(
  command: EventCause,
  eventType: ContactStateEventType,
  contact: Contact,
  changedFields: string[],
  now: Date,
  { before, reason }: { before: Contact | null; reason?: string },
): ContactEvent {
  const changed = changedFields.length > 0 || eventType === 'ContactCreated';
  // The contact may differ from the command's (a create that found the identity's owner).
  return eventOf(
    command,
    { contactId: contact.contactId },
    eventType,
    {
      contact: toContactView(contact),
      tagIds: contact.tagIds ?? [],
      changed,
      changedFields,
      changes: changed ? contactChanges(before, contact) : {},
      ...(reason !== undefined && { reason }),
    },
    now,
  );
}

export function noteEvent(
  command: ContactCommand,
  eventType: 'NoteAdded' | 'NoteEdited' | 'NoteDeleted' | 'NotePinned' | 'NoteUnpinned',
  payload: NotePayload,
  now: Date,
): ContactEvent {
  return eventOf(command, { contactId: command.contactId }, eventType, payload, now);
}

/** Namespace of rejection event ids (UUIDv5 of tenant and command: a command is rejected once). */
const REJECTION_NAMESPACE = '0f5e7c1d-6b3a-4d8e-9c2f-1a7b4e6d9c30';

/**
 * The rejection of a command, about its contact or subject (a malformed command may validly
 * name neither). Its event id follows from the command, so a rejection published again after
 * a crash is the same event.
 */
export function rejectionEvent(
  command: Pick<Command, 'commandId' | 'tenantId' | 'actor'> & { contactId?: string; subject?: string },
  rejection: { code: string; reason: string; fieldErrors?: FieldError[] },
  now: Date,
): ContactEvent {
  const about =
    command.contactId !== undefined
      ? { contactId: command.contactId }
      : command.subject !== undefined
        ? { subject: command.subject }
        : {};
  const event = eventOf(command, about as { subject: string }, 'CommandRejected', rejection, now);
  return { ...event, eventId: uuidv5(`${command.tenantId}\n${command.commandId}`, REJECTION_NAMESPACE) };
}

/**
 * The `contacts.blocklist` records that bring the compacted topic in line with the contact:
 * one entry per identity while blocked, a tombstone per identity on unblock.
 */
export function blocklistRecords(
  topics: TopicNames,
  before: Contact | null,
  after: Contact,
): OutboundRecord[] {
  const wasBlocked = before?.block?.blocked ?? false;
  const isBlocked = after.block?.blocked ?? false;
  const knownBefore = new Set(
    (before?.identities ?? []).map(({ channel, address }) => `${channel}|${address}`),
  );
  // A block replaced by another (a new expiry) is written again for every identity.
  const sameBlock = wasBlocked && isBlocked && sameInstant(before?.block.blockedAt, after.block.blockedAt);
  const identities = sameBlock
    ? after.identities.filter(({ channel, address }) => !knownBefore.has(`${channel}|${address}`))
    : after.identities;
  if (!isBlocked && !wasBlocked) {
    return [];
  }
  return identities.map(({ channel, address }) => {
    const key = identityKey(after.tenantId, channel, address);
    if (!isBlocked) {
      return { topic: topics.contactBlocklist, key, value: null };
    }
    const entry: BlocklistEntry = {
      tenantId: after.tenantId,
      contactId: after.contactId,
      channel,
      address,
      blockedAt: new Date(after.block.blockedAt ?? after.updatedAt).toISOString(),
      blockedBy: after.block.blockedBy ?? 'unknown',
      ...(after.block.reason && { reason: after.block.reason }),
      ...(after.block.until && { until: new Date(after.block.until).toISOString() }),
      contactVersion: after.version,
    };
    return { topic: topics.contactBlocklist, key, value: JSON.stringify(entry) };
  });
}

const sameInstant = (left?: Date, right?: Date) =>
  (left && new Date(left).getTime()) === (right && new Date(right).getTime());
