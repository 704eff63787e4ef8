import { ContractViolationError } from '@switchboard/contracts';

/** The contract violation `run` throws; fails the test if it accepts, or throws anything else. */
export function contractViolationOf(run: () => unknown): ContractViolationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractViolationError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a contract violation');
}
