import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { ContactEvent, ContactView, NoteView } from '@switchboard/contracts';
import { ApiError } from '../problems/api-error';
import { isErrorCode } from '../problems/problem-types';
import type { CommandResult } from './command-bus';

/** What a mutating call answers when its outcome is late. */
export interface AcceptedCommand {
  commandId: string;
  status: 'pending';
  statusUrl: string;
}

/**
 * 200 with what the command produced (picked from its event); the rejection as a problem;
 * or 202 with where to look the outcome up later.
 */
export function answerCommand<T>(
  result: CommandResult,
  response: Response,
  pick: (event: Exclude<ContactEvent, { type: 'CommandRejected' }>) => T,
): T | AcceptedCommand {
  if (result.kind === 'pending') {
    const statusUrl = `/v1/commands/${result.commandId}`;
    response.status(HttpStatus.ACCEPTED).location(statusUrl);
    return { commandId: result.commandId, status: 'pending', statusUrl };
  }
  const { event } = result;
  response.setHeader('X-Command-Id', event.commandId);
  if (event.type === 'CommandRejected') {
    const code = isErrorCode(event.payload.code) ? event.payload.code : 'validation-failed';
    throw new ApiError(code, event.payload.reason, event.payload.fieldErrors);
  }
  response.status(HttpStatus.OK);
  return pick(event);
}

export const pickContact = (event: Exclude<ContactEvent, { type: 'CommandRejected' }>): ContactView => {
  if (!('contact' in event.payload)) {
    throw new ApiError('internal-error', `unexpected outcome ${event.type}`);
  }
  return event.payload.contact;
};

export const pickNote = (event: Exclude<ContactEvent, { type: 'CommandRejected' }>): NoteView => {
  if (!('note' in event.payload)) {
    throw new ApiError('internal-error', `unexpected outcome ${event.type}`);
  }
  return event.payload.note;
};

/** Contact-changing calls answer with the contact's new state. */
export function contactFromCommand(result: CommandResult, response: Response): ContactView | AcceptedCommand {
  return answerCommand(result, response, pickContact);
}
