import { ContractViolationError } from '@switchboard/contracts';

/**
 * How a failed record is treated, decided in one place:
 * - `poison`: the record itself is wrong; retrying cannot help. DLQ it and move on.
 * - `transient`: a dependency is down or busy; retry the same record with backoff, forever,
 *   so nothing is skipped while the store or broker is away.
 * - `unexpected`: a bug or an unknown failure; retry a few times, then DLQ it so one bad
 *   record never stops its partition.
 */
export type FailureKind = 'poison' | 'transient' | 'unexpected';

const transientErrorNames = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWriteConcernError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
  'KafkaJSProtocolError',
  'KafkaJSLockTimeout',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTimeout',
]);

/** Errors a handler throws to say the record can never be processed. */
export class PoisonRecordError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PoisonRecordError';
  }
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ContractViolationError || error instanceof PoisonRecordError) {
    return 'poison';
  }
  if (error instanceof Error) {
    if (transientErrorNames.has(error.name) || transientErrorNames.has(error.constructor.name)) {
      return 'transient';
    }
    const labels = (error as { errorLabels?: unknown }).errorLabels;
    if (Array.isArray(labels) && labels.includes('RetryableWriteError')) {
      return 'transient';
    }
    // mongoose wraps driver errors that arrive while it reconnects; FerretDB answers
    // "InternalError: ... dial tcp ...: connection refused" while its PostgreSQL is away
    if (
      /ECONNREFUSED|ECONNRESET|connection .*(closed|refused)|dial tcp|failed to connect|buffering timed out|server selection/i.test(
        error.message,
      )
    ) {
      return 'transient';
    }
  }
  return 'unexpected';
}

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length > 0) {
    return code;
  }
  return error instanceof Error ? error.name : 'unknown-error';
}

/** Exponential backoff with jitter, capped. */
export function backoffMs(attempt: number, baseMs = 100, capMs = 5_000): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return exponential / 2 + Math.random() * (exponential / 2);
}
