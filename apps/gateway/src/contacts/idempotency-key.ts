import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiHeaderOptions } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiError } from '../problems/api-error';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export const IdempotencyKeyHeader: ApiHeaderOptions = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'A retried call with the same key (same caller, same action) applies once and gets the same answer.',
  schema: { type: 'string', pattern: KEY_PATTERN.source },
};

/** The request's `Idempotency-Key`, if any: 1-200 visible ASCII characters. */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const key = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (key === undefined) {
    return undefined;
  }
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new ApiError('validation-failed', 'Idempotency-Key must be 1-200 visible ASCII characters', [
      { field: 'Idempotency-Key', messages: ['must be 1-200 visible ASCII characters'] },
    ]);
  }
  return key;
});
