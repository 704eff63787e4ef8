import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorCode, FieldError } from '@switchboard/contracts';
import { redactUrlSecrets } from '@switchboard/observability';
import { ApiError } from './api-error';
import { PROBLEM_TYPE_BASE, problemTypes } from './problem-types';

/** RFC 9457 problem document. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  errors?: FieldError[];
}

const statusCodes: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'validation-failed',
  [HttpStatus.UNAUTHORIZED]: 'unauthenticated',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not-found',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload-too-large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported-media-type',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate-limited',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'dependency-unavailable',
};

/** Every error the gateway answers with becomes `application/problem+json`, from one table. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const { code, detail, errors, headers } = this.describe(exception);
    const { status, title } = problemTypes[code];
    if (status >= 500) {
      this.logger.error({ err: exception, path: redactUrlSecrets(request.url) }, 'request failed');
    }
    const problem: ProblemDocument = {
      type: `${PROBLEM_TYPE_BASE}${code}`,
      title,
      status,
      detail,
      // as the request log writes it: a failed verification must not echo its verify token
      instance: redactUrlSecrets(request.originalUrl ?? request.url),
      code,
      ...(errors && errors.length > 0 && { errors }),
    };
    response.status(status).set(headers).type('application/problem+json').send(JSON.stringify(problem));
  }

  private describe(exception: unknown): {
    code: ErrorCode;
    detail: string;
    errors?: FieldError[];
    headers: Record<string, string>;
  } {
    if (exception instanceof ApiError) {
      return {
        code: exception.code,
        detail: exception.detail,
        errors: exception.fieldErrors,
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = statusCodes[status] ?? (status >= 500 ? 'internal-error' : 'validation-failed');
      const body = exception.getResponse();
      const message = typeof body === 'object' && body !== null && 'message' in body ? body.message : body;
      return { code, detail: Array.isArray(message) ? message.join('; ') : String(message), headers: {} };
    }
    return { code: 'internal-error', detail: 'the request could not be completed', headers: {} };
  }
}
