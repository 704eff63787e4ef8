import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type {
  BlockPolicyView,
  CampaignView,
  ChannelCredentialsView,
  ContactEvent,
  ContactView,
  JobView,
  NoteView,
  PhoneNumberSettingsView,
  SegmentView,
  TagPayload,
} from '@switchboard/contracts';
import { ApiError } from '../problems/api-error';
import { isErrorCode } from '../problems/problem-types';
import { ResourceUrls } from '../resource-urls';
import type { CommandResult } from './command-bus';

/** What a mutating call answers when its outcome is late. */
export interface AcceptedCommand {
  commandId: string;
  status: 'pending';
  statusUrl: string;
}

/** The event a command ended in, when it was not rejected (rejections become problems first). */
export type CommandOutcome = Exclude<ContactEvent, { type: 'CommandRejected' }>;

/**
 * How a completed command is answered: 200 by default; 201 for something created and 202 for
 * work that goes on in the background, each with a `Location` of where its result lives.
 */
export interface CompletedAnswer<T> {
  status: HttpStatus.OK | HttpStatus.CREATED | HttpStatus.ACCEPTED;
  location?: (answer: T) => string;
}

/**
 * What the command produced (picked from its event), 200 unless `completed` says otherwise;
 * the rejection as a problem; or 202 with where to look the outcome up later.
 */
export function answerCommand<T>(
  result: CommandResult,
  response: Response,
  pick: (event: CommandOutcome) => T,
  completed: CompletedAnswer<T> = { status: HttpStatus.OK },
): T | AcceptedCommand {
  if (result.kind === 'pending') {
    const statusUrl = ResourceUrls.command(result.commandId);
    response.status(HttpStatus.ACCEPTED).location(statusUrl);
    return { commandId: result.commandId, status: 'pending', statusUrl };
  }
  const { event } = result;
  response.setHeader('X-Command-Id', event.commandId);
  if (event.type === 'CommandRejected') {
    const code = isErrorCode(event.payload.code) ? event.payload.code : 'validation-failed';
    throw new ApiError(code, event.payload.reason, event.payload.fieldErrors);
  }
  const answer = pick(event);
  response.status(completed.status);
  if (completed.location) {
    response.location(completed.location(answer));
  }
  return answer;
}

function unexpectedOutcome(event: CommandOutcome): never {
  throw new ApiError('internal-error', `unexpected outcome ${event.type}`);
}

export const pickContact = (event: CommandOutcome): ContactView =>
  'contact' in event.payload ? event.payload.contact : unexpectedOutcome(event);

export const pickNote = (event: CommandOutcome): NoteView =>
  'note' in event.payload ? event.payload.note : unexpectedOutcome(event);

/** The tag and, for a rename or a deletion, the job that carries it to every tagged contact. */
export const pickTag = (event: CommandOutcome): TagPayload =>
  'tag' in event.payload ? event.payload : unexpectedOutcome(event);

export const pickJob = (event: CommandOutcome): JobView =>
  'job' in event.payload ? event.payload.job : unexpectedOutcome(event);

export const pickSegment = (event: CommandOutcome): SegmentView =>
  'segment' in event.payload ? event.payload.segment : unexpectedOutcome(event);

export const pickCampaign = (event: CommandOutcome): CampaignView =>
  'campaign' in event.payload ? event.payload.campaign : unexpectedOutcome(event);

export const pickBlockPolicy = (event: CommandOutcome): BlockPolicyView =>
  'policy' in event.payload ? event.payload.policy : unexpectedOutcome(event);

export const pickPhoneNumberSettings = (event: CommandOutcome): PhoneNumberSettingsView =>
  'phoneNumbers' in event.payload ? event.payload.phoneNumbers : unexpectedOutcome(event);

export const pickChannelCredentials = (event: CommandOutcome): ChannelCredentialsView =>
  'credentials' in event.payload ? event.payload.credentials : unexpectedOutcome(event);

/** Contact-changing calls answer with the contact's new state. */
export function contactFromCommand(result: CommandResult, response: Response): ContactView | AcceptedCommand {
  return answerCommand(result, response, pickContact);
}
