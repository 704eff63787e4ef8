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
import type { ClassConstructor } from 'class-transformer';
import { Actor } from '../actor';
import { CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from '../identifiers';
import type { TopicNames } from '../topics';
import { ContractViolationError, validateTypedEnvelope } from '../validation';
import {
  AddNotePayload,
  BlockContactPayload,
  BlockExpiryPayload,
  CreateContactPayload,
  DeleteNotePayload,
  EditNotePayload,
  JobStepPayload,
  PinNotePayload,
  TagContactPayload,
  UntagContactPayload,
  UnblockContactPayload,
  UnpinNotePayload,
  UpdateContactPayload,
} from './command-payloads';
import {
  BulkBlockPayload,
  BulkTagPayload,
  CreateCampaignPayload,
  CreateTagPayload,
  DeleteSegmentPayload,
  DeleteTagPayload,
  MergeTagPayload,
  SaveSegmentPayload,
  SetBlockPolicyPayload,
  SetPhoneNumberSettingsPayload,
  SetTwilioCredentialsPayload,
  SetWhatsappCredentialsPayload,
  UpdateTagPayload,
} from './tenant-command-payloads';

export const COMMAND_SCHEMA_VERSION = 1;

/** Commands about one contact: they name it by `contactId` and are keyed `tenantId:contactId`. */
export const contactCommandPayloadContracts = {
  'contact.create': CreateContactPayload,
  'contact.block': BlockContactPayload,
  'contact.unblock': UnblockContactPayload,
  'contact.update': UpdateContactPayload,
  'contact.tag': TagContactPayload,
  'contact.untag': UntagContactPayload,
  'note.add': AddNotePayload,
  'note.edit': EditNotePayload,
  'note.delete': DeleteNotePayload,
  'note.pin': PinNotePayload,
  'note.unpin': UnpinNotePayload,
  // Sent by the contacts service to itself, on the contact's partition (one writer per contact).
  'contact.job-step': JobStepPayload,
  'contact.block-expiry': BlockExpiryPayload,
} satisfies Record<string, ClassConstructor<object>>;

/**
 * Commands about the tenant's catalog, segments, campaigns and bulk jobs: they name their
 * `subject` and are keyed `tenantId:subject` (see `commandSubject`).
 */
export const tenantCommandPayloadContracts = {
  'tag.create': CreateTagPayload,
  'tag.update': UpdateTagPayload,
  'tag.delete': DeleteTagPayload,
  'tag.merge': MergeTagPayload,
  'bulk.tag': BulkTagPayload,
  'bulk.block': BulkBlockPayload,
  'settings.block-policy': SetBlockPolicyPayload,
  'settings.phone-numbers': SetPhoneNumberSettingsPayload,
  'settings.whatsapp-credentials': SetWhatsappCredentialsPayload,
  'settings.twilio-credentials': SetTwilioCredentialsPayload,
  'segment.save': SaveSegmentPayload,
  'segment.delete': DeleteSegmentPayload,
  'campaign.create': CreateCampaignPayload,
} satisfies Record<string, ClassConstructor<object>>;

/** Payload class of every command type: the one list producers and consumers share. */
export const commandPayloadContracts = {
  ...contactCommandPayloadContracts,
  ...tenantCommandPayloadContracts,
};

export type ContactCommandType = keyof typeof contactCommandPayloadContracts;
export type TenantCommandType = keyof typeof tenantCommandPayloadContracts;
export type CommandType = ContactCommandType | TenantCommandType;
export const CommandTypes = Object.keys(commandPayloadContracts) as CommandType[];

export function isTenantCommandType(type: unknown): type is TenantCommandType {
  return typeof type === 'string' && Object.hasOwn(tenantCommandPayloadContracts, type);
}

/**
 * What a tenant command is about, which is also its key's second half: all catalog commands of
 * a tenant share one subject (so names are decided in order), as do all segment commands.
 */
export const SUBJECT_PATTERN =
  /^(tags|segments|settings|job:j_[A-Za-z0-9_-]{1,64}|campaign:c_[A-Za-z0-9_-]{1,64})$/;

/** Envelope of a record on `contacts.commands`; its key is `tenantId:contactId` or `tenantId:subject`. */
export class ContactCommandEnvelope {
  @IsUUID()
  commandId: string;

  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  /** The contact a contact command is about. */
  @ValidateIf((envelope: ContactCommandEnvelope) => !isTenantCommandType(envelope.type))
  @Matches(CONTACT_ID_PATTERN)
  contactId?: string;

  /** What a tenant command is about. */
  @ValidateIf((envelope: ContactCommandEnvelope) => isTenantCommandType(envelope.type))
  @Matches(SUBJECT_PATTERN)
  subject?: string;

  @ValidateNested()
  @Type(() => Actor)
  actor: Actor;

  @IsISO8601({ strict: true })
  issuedAt: string;

  @IsIn(CommandTypes)
  type: CommandType;

  @Equals(COMMAND_SCHEMA_VERSION, { message: `version must be ${COMMAND_SCHEMA_VERSION}` })
  version: number;

  @IsObject()
  payload: object;
}

type EnvelopeFields = Omit<ContactCommandEnvelope, 'type' | 'payload' | 'contactId' | 'subject'>;

export type ContactCommand = {
  [K in ContactCommandType]: EnvelopeFields & {
    contactId: string;
    type: K;
    payload: InstanceType<(typeof contactCommandPayloadContracts)[K]>;
  };
}[ContactCommandType];

export type TenantCommand = {
  [K in TenantCommandType]: EnvelopeFields & {
    subject: string;
    type: K;
    payload: InstanceType<(typeof tenantCommandPayloadContracts)[K]>;
  };
}[TenantCommandType];

export type Command = ContactCommand | TenantCommand;
export type ContactCommandOf<K extends ContactCommandType> = Extract<ContactCommand, { type: K }>;
export type TenantCommandOf<K extends TenantCommandType> = Extract<TenantCommand, { type: K }>;
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

export function isTenantCommand(command: Command): command is TenantCommand {
  return isTenantCommandType(command.type);
}

/** Validates a decoded record against the envelope and then its type's payload contract. */
export function parseCommand(plain: unknown): Command {
  const command = validateTypedEnvelope(ContactCommandEnvelope, commandPayloadContracts, plain) as Command;
  const stray = isTenantCommand(command)
    ? (command as { contactId?: unknown }).contactId
    : (command as { subject?: unknown }).subject;
  if (stray !== undefined) {
    const field = isTenantCommand(command) ? 'contactId' : 'subject';
    throw new ContractViolationError(`${command.type} has no ${field}`, [
      { field, messages: [`${command.type} has no ${field}`] },
    ]);
  }
  if (isTenantCommand(command) && command.subject !== tenantCommandSubject(command)) {
    throw new ContractViolationError(
      `${command.type} must have subject ${tenantCommandSubject(command)}, not ${command.subject}`,
      [{ field: 'subject', messages: [`must be ${tenantCommandSubject(command)}`] }],
    );
  }
  return command;
}

/** The Kafka key of a command and of its events. */
export function commandKey(
  command: Pick<Command, 'tenantId'> & { contactId?: string; subject?: string },
): string {
  return `${command.tenantId}:${command.contactId ?? command.subject}`;
}

/** A command as its `contacts.commands` record: keyed by `commandKey`, its type in a header. */
export function commandRecord(
  topics: Pick<TopicNames, 'contactCommands'>,
  command: Parameters<typeof commandKey>[0] & { type: string },
): { topic: string; key: string; value: string; headers: Record<string, string> } {
  return {
    topic: topics.contactCommands,
    key: commandKey(command),
    value: JSON.stringify(command),
    headers: { 'command-type': command.type },
  };
}

/** A tenant command before it has an envelope: its type and payload. */
export type TenantCommandBody = {
  [K in TenantCommandType]: Pick<TenantCommandOf<K>, 'type' | 'payload'>;
}[TenantCommandType];

/**
 * What a tenant command is about, and so the second half of its Kafka key. It follows from
 * the type and payload alone, so no caller can key a command wrongly: every catalog command
 * of a tenant shares `tags` (names are decided in order), every segment command `segments`,
 * every settings command `settings`, and a bulk job or a campaign is its own subject.
 */
export function tenantCommandSubject(command: TenantCommandBody): string {
  switch (command.type) {
    case 'tag.create':
    case 'tag.update':
    case 'tag.delete':
    case 'tag.merge':
      return 'tags';
    case 'segment.save':
    case 'segment.delete':
      return 'segments';
    case 'settings.block-policy':
    case 'settings.phone-numbers':
    case 'settings.whatsapp-credentials':
    case 'settings.twilio-credentials':
      return 'settings';
    case 'bulk.tag':
    case 'bulk.block':
      return `job:${command.payload.jobId}`;
    case 'campaign.create':
      return `campaign:${command.payload.campaignId}`;
  }
}

/** The tag, segment, setting, job or campaign a tenant command names. */
export function tenantCommandEntityId(command: TenantCommandBody): string {
  switch (command.type) {
    case 'tag.create':
    case 'tag.update':
    case 'tag.delete':
    case 'tag.merge':
      return command.payload.tagId;
    case 'segment.save':
    case 'segment.delete':
      return command.payload.segmentId;
    case 'settings.block-policy':
      return 'block-policy';
    case 'settings.phone-numbers':
      return 'phone-numbers';
    case 'settings.whatsapp-credentials':
      return 'whatsapp-credentials';
    case 'settings.twilio-credentials':
      return 'twilio-credentials';
    case 'bulk.tag':
    case 'bulk.block':
      return command.payload.jobId;
    case 'campaign.create':
      return command.payload.campaignId;
  }
}
