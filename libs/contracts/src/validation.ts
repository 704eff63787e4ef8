import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { unstorableInputErrors, type FieldError } from './storable-input';

/** A record or body that does not satisfy its contract. `code` survives process boundaries. */
export class ContractViolationError extends Error {
  readonly code = 'contract-violation';

  constructor(
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

/** Flattens class-validator's nested errors into `field.path: messages`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** `field: message, message; field: message` for logs and DLQ reasons. */
export function describeFieldErrors(fieldErrors: FieldError[]): string {
  return fieldErrors.map((error) => `${error.field}: ${error.messages.join(', ')}`).join('; ');
}

/** The options used for every contract, on HTTP and on Kafka alike. */
export const contractValidationOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/**
 * How deep JSON may nest anywhere (objects and arrays): class-transformer copies values
 * recursively, and a document nested thousands deep (a recursive segment expression fits in a
 * bulk request) would exhaust the stack instead of being refused.
 */
export const JSON_NESTING_MAX = 64;

/** Whether `value` nests objects or arrays deeper than `max`, measured without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current === 'object' && current !== null) {
      if (depth + 1 > max) {
        return true;
      }
      for (const child of Object.values(current)) {
        pending.push([child, depth + 1]);
      }
    }
  }
  return false;
}

/**
 * Validates a plain value against a contract class and returns the typed instance.
 * Unknown properties are violations, not silently dropped; so are reserved keys and text the
 * store cannot hold, anywhere in the value (see `unstorableInputErrors`).
 */
export function validateContract<T extends object>(contract: ClassConstructor<T>, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new ContractViolationError(`${contract.name} must be a JSON object`);
  }
  if (nestsDeeperThan(plain, JSON_NESTING_MAX)) {
    throw new ContractViolationError(`${contract.name} nests more than ${JSON_NESTING_MAX} levels`);
  }
  const unstorable = unstorableInputErrors(plain);
  if (unstorable.length > 0) {
    throw new ContractViolationError(
      `${contract.name} is invalid: ${describeFieldErrors(unstorable)}`,
      unstorable,
    );
  }
  const instance = plainToInstance(contract, plain);
  const errors = validateSync(instance, contractValidationOptions);
  if (errors.length > 0) {
    const fieldErrors = flattenValidationErrors(errors);
    throw new ContractViolationError(
      `${contract.name} is invalid: ${describeFieldErrors(fieldErrors)}`,
      fieldErrors,
    );
  }
  return instance;
}

/** Parses a Kafka record value as JSON, reporting unparseable bytes as a contract violation. */
export function parseJson(value: Buffer | string | null): unknown {
  if (value === null) {
    throw new ContractViolationError('record has no value');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString()) as unknown;
  } catch (error) {
    throw new ContractViolationError(`record value is not JSON: ${(error as Error).message}`);
  }
  if (nestsDeeperThan(parsed, JSON_NESTING_MAX)) {
    throw new ContractViolationError(`record value nests more than ${JSON_NESTING_MAX} levels`);
  }
  return parsed;
}

/**
 * Validates a typed envelope (`type` + `payload`), then its payload against the contract
 * registered for its type; payload field errors are reported as `payload.<field>`.
 */
export function validateTypedEnvelope<T extends { type: string; payload: object }>(
  envelopeContract: ClassConstructor<T>,
  payloadContracts: Record<string, ClassConstructor<object>>,
  plain: unknown,
): T {
  const envelope = validateContract(envelopeContract, plain);
  try {
    return { ...envelope, payload: validateContract(payloadContracts[envelope.type], envelope.payload) };
  } catch (error) {
    if (!(error instanceof ContractViolationError)) {
      throw error;
    }
    const fieldErrors = error.fieldErrors.map((fieldError) => ({
      ...fieldError,
      field: `payload.${fieldError.field}`,
    }));
    throw new ContractViolationError(
      `${envelope.type} is invalid: ${describeFieldErrors(fieldErrors) || error.message}`,
      fieldErrors,
    );
  }
}
