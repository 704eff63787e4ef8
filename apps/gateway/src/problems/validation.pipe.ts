import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import {
  contractValidationOptions,
  flattenValidationErrors,
  unstorableInputErrors,
} from '@switchboard/contracts';
import { ApiError } from './api-error';

/**
 * Refuses reserved keys and unstorable text before class-transformer copies the input (it
 * would skip such keys, and the validator would never see them), as `validateContract` does.
 */
class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const errors = unstorableInputErrors(value, metadata.data ?? '');
      if (errors.length > 0) {
        throw new ApiError('validation-failed', 'one or more fields are invalid', errors);
      }
    }
    return (await super.transform(value, metadata)) as unknown;
  }
}

/** Validates bodies, params and queries with the same class-validator options as Kafka records. */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    ...contractValidationOptions,
    transform: true,
    exceptionFactory: (errors) =>
      new ApiError('validation-failed', 'one or more fields are invalid', flattenValidationErrors(errors)),
  });
}
