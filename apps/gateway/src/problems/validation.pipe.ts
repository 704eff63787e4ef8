import { ValidationPipe } from '@nestjs/common';
import { contractValidationOptions, flattenValidationErrors } from '@switchboard/contracts';
import { ApiError } from './api-error';

/** Validates bodies, params and queries with the same class-validator options as Kafka records. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...contractValidationOptions,
    transform: true,
    exceptionFactory: (errors) =>
      new ApiError('validation-failed', 'one or more fields are invalid', flattenValidationErrors(errors)),
  });
}
