import { Type } from 'class-transformer';
import {
  Equals,
  IsIn,
  IsISO8601,
  IsObject,
  IsUUID,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SUBJECT_PATTERN } from '../commands/contact-command';
import type { ClassConstructor } from 'class-transformer';
import { Actor } from '../actor';
import { CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from '../identifiers';
import { validateTypedEnvelope } from '../validation';
import {
  BlockPolicyPayload,
  CampaignPayload,
  ChannelCredentialsPayload,
  CommandRejectedPayload,
  ContactMergedPayload,
  ContactStatePayload,
  JobPayload,
  NoteMentionedPayload,
  NotePayload,
  PhoneNumberSettingsPayload,
  SegmentPayload,
  TagMergedPayload,
  TagPayload,
} from './event-payloads';

export const EVENT_SCHEMA_VERSION = 1;

/** Payload class of every event type on `contacts.events`. */
export const eventPayloadContracts = {
  ContactCreated: ContactStatePayload,
  ContactUpdated: ContactStatePayload,
  ContactBlocked: ContactStatePayload,
  ContactUnblocked: ContactStatePayload,
  ContactTagged: ContactStatePayload,
  ContactUntagged: ContactStatePayload,
  ContactMerged: ContactMergedPayload,
  NoteAdded: NotePayload,
  NoteEdited: NotePayload,
  NoteDeleted: NotePayload,
  NotePinned: NotePayload,
  NoteUnpinned: NotePayload,
  NoteMentioned: NoteMentionedPayload,
  TagCreated: TagPayload,
  TagUpdated: TagPayload,
  TagDeleted: TagPayload,
  TagMerged: TagMergedPayload,
  BulkJobStarted: JobPayload,
  SegmentSaved: SegmentPayload,
  SegmentDeleted: SegmentPayload,
  CampaignCreated: CampaignPayload,
  BlockPolicyChanged: BlockPolicyPayload,
  PhoneNumberSettingsChanged: PhoneNumberSettingsPayload,
  ChannelCredentialsChanged: ChannelCredentialsPayload,
  CommandRejected: CommandRejectedPayload,
} satisfies Record<string, ClassConstructor<object>>;

export type EventType = keyof typeof eventPayloadContracts;
export const EventTypes = Object.keys(eventPayloadContracts) as EventType[];

/**
 * Envelope of a record on `contacts.events`, keyed like the command that caused it:
 * `tenantId:contactId` for contact events, `tenantId:subject` for catalog, segment, settings,
 * campaign and bulk-job events (and for the rejection of such a command); the rejection of a
 * command that named neither validly is keyed by its `tenantId` alone.
 */
export class ContactEventEnvelope {
  @IsUUID()
  eventId: string;

  @IsUUID()
  commandId: string;

  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  /**
   * Every event names its contact or its subject, except the rejection of a command too
   * malformed to name either validly (it still answers the command by `commandId`).
   */
  @ValidateIf(
    (envelope: ContactEventEnvelope) =>
      envelope.subject === undefined &&
      (envelope.type !== 'CommandRejected' || envelope.contactId !== undefined),
  )
  @Matches(CONTACT_ID_PATTERN)
  contactId?: string;

  @ValidateIf((envelope: ContactEventEnvelope) => envelope.subject !== undefined)
  @Matches(SUBJECT_PATTERN)
  subject?: string;

  @ValidateNested()
  @Type(() => Actor)
  actor: Actor;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsIn(EventTypes)
  type: EventType;

  @Equals(EVENT_SCHEMA_VERSION)
  version: number;

  @IsObject()
  payload: object;
}

export type ContactEvent = {
  [K in EventType]: Omit<ContactEventEnvelope, 'type' | 'payload' | 'contactId'> & {
    /** Set on contact events and on rejections of contact commands. */
    contactId?: string;
    type: K;
    payload: InstanceType<(typeof eventPayloadContracts)[K]>;
  };
}[EventType];

/**
 * Events that accompany a command's outcome rather than end it: whoever waits for a command's
 * outcome by its id skips them.
 */
export const AccompanyingEventTypes: readonly EventType[] = ['NoteMentioned'];

export function isCommandOutcome(event: { type: string }): boolean {
  return !AccompanyingEventTypes.includes(event.type as EventType);
}

export type ContactEventOf<K extends EventType> = Extract<ContactEvent, { type: K }>;

export function parseContactEvent(plain: unknown): ContactEvent {
  return validateTypedEnvelope(ContactEventEnvelope, eventPayloadContracts, plain) as ContactEvent;
}
