import type { RequestHandler } from 'express';
import { json } from 'express';
import { JSON_NESTING_MAX, nestsDeeperThan, type ErrorCode } from '@switchboard/contracts';
import { ApiError } from './api-error';

/** body-parser's error types, which reach us before any handler runs. */
export const bodyParserCodes: Record<string, ErrorCode> = {
  'entity.parse.failed': 'malformed-json',
  'entity.too.large': 'payload-too-large',
  'encoding.unsupported': 'unsupported-media-type',
  'charset.unsupported': 'unsupported-media-type',
  'entity.verify.failed': 'validation-failed',
  'request.aborted': 'validation-failed',
  'request.size.invalid': 'validation-failed',
};

export type RequestWithRawBody = import('express').Request & { rawBody?: Buffer };

/**
 * JSON body parsing whose failures become coded `ApiError`s (Nest would otherwise turn a
 * parse error into a bare 400 and lose which failure it was).
 */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  const parse = json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    // Signed webhooks are verified over the exact bytes received.
    verify: (request, _response, body) => {
      (request as RequestWithRawBody).rawBody = body;
    },
  });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      if (!error) {
        const body: unknown = (request as { body?: unknown }).body;
        next(
          nestsDeeperThan(body, JSON_NESTING_MAX)
            ? new ApiError('validation-failed', `the body nests more than ${JSON_NESTING_MAX} levels`)
            : undefined,
        );
        return;
      }
      const type = (error as { type?: unknown }).type;
      const code = (typeof type === 'string' && bodyParserCodes[type]) || 'validation-failed';
      next(new ApiError(code, (error as Error).message));
    });
}
