import type { RequestHandler } from 'express';
import { urlencoded } from 'express';
import { ApiError } from './api-error';
import { bodyParserCodes, type RequestWithRawBody } from './json-body-parser';

/**
 * Form body parsing (`application/x-www-form-urlencoded`, as Twilio posts) that keeps the exact
 * bytes received in `rawBody`, for the signature, and turns failures into coded `ApiError`s.
 * Other bodies pass untouched (the route decides what it refuses).
 */
export function formBodyParser(limitBytes: number): RequestHandler {
  const parse = urlencoded({
    limit: limitBytes,
    extended: false,
    verify: (request, _response, body) => {
      (request as RequestWithRawBody).rawBody = body;
    },
  });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      if (!error) {
        next();
        return;
      }
      const type = (error as { type?: unknown }).type;
      const code =
        (typeof type === 'string' &&
          (bodyParserCodes[type] ?? (type === 'parameters.too.many' && 'payload-too-large'))) ||
        'validation-failed';
      next(new ApiError(code, (error as Error).message));
    });
}
