import { RetryLaterError } from '@switchboard/kafka';

/**
 * A versioned write that found its document changed since it was read: another process wrote
 * it, a former owner of the partition still finishing. The batch is read and decided again
 * (the error is transient to the consumer).
 */
export class WriteFencedError extends RetryLaterError {
  constructor(message: string) {
    super(message);
    this.name = 'WriteFencedError';
  }
}
