import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@switchboard/contracts';

/** A configuration that failed validation; the message names every offending variable. */
export class ConfigurationError extends Error {
  readonly code = 'invalid-configuration';
}

/**
 * Parses environment variables into a typed, validated settings object, once at boot.
 * Fails fast, naming each bad variable; defaults live on the settings class.
 */
export function parseEnvironment<T extends object>(
  settings: ClassConstructor<T>,
  environment: NodeJS.ProcessEnv = process.env,
): T {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const instance = plainToInstance(settings, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = flattenValidationErrors(errors).map(
      (error) => `  ${error.field}: ${error.messages.join(', ')}`,
    );
    throw new ConfigurationError(`invalid environment for ${settings.name}:\n${problems.join('\n')}`);
  }
  return instance;
}
