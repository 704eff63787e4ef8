import { Type } from 'class-transformer';
import { Equals, IsIn, IsISO8601, IsObject, IsUUID, Matches, ValidateNested } from 'class-validator';
import type { ClassConstructor } from 'class-transformer';
import { Actor } from '../actor';
import { CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from '../identifiers';
import { validateTypedEnvelope } from '../validation';
import {
  AddNotePayload,
  BlockContactPayload,
  CreateContactPayload,
  DeleteNotePayload,
  EditNotePayload,
  TagContactPayload,
  UntagContactPayload,
  UnblockContactPayload,
  UpdateContactPayload,
} from './command-payloads';

export const COMMAND_SCHEMA_VERSION = 1;

/** Payload class of every command type: the one list producers and consumers share. */
export const commandPayloadContracts = {
  'contact.create': CreateContactPayload,
  'contact.block': BlockContactPayload,
  'contact.unblock': UnblockContactPayload,
  'contact.update': UpdateContactPayload,
  'contact.tag': TagContactPayload,
  'contact.untag': UntagContactPayload,
  'note.add': AddNotePayload,
  'note.edit': EditNotePayload,
  'note.delete': DeleteNotePayload,
} satisfies Record<string, ClassConstructor<object>>;

export type CommandType = keyof typeof commandPayloadContracts;
export const CommandTypes = Object.keys(commandPayloadContracts) as CommandType[];

/** Envelope of a record on `contacts.commands`; its key is `tenantId:contactId`. */
export class ContactCommandEnvelope {
  @IsUUID()
  commandId: string;

  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  @Matches(CONTACT_ID_PATTERN)
  contactId: string;

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

export type ContactCommand = {
  [K in CommandType]: Omit<ContactCommandEnvelope, 'type' | 'payload'> & {
    type: K;
    payload: InstanceType<(typeof commandPayloadContracts)[K]>;
  };
}[CommandType];

export type ContactCommandOf<K extends CommandType> = Extract<ContactCommand, { type: K }>;

/** Validates a decoded record against the envelope and then its type's payload contract. */
export function parseContactCommand(plain: unknown): ContactCommand {
  return validateTypedEnvelope(ContactCommandEnvelope, commandPayloadContracts, plain) as ContactCommand;
}
