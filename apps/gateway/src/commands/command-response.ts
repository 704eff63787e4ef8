import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { ContactView } from '@switchboard/contracts';
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
 * 200 with the contact's new state; the rejection as a problem; or 202 with where to
 * look the outcome up later.
 */
export function contactFromCommand(result: CommandResult, response: Response): ContactView | AcceptedCommand {
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
  return event.payload.contact;
}
