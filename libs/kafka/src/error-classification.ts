import { types } from 'node:util';
import { ContractViolationError } from '@switchboard/contracts';

/**
 * How a failed record is treated, decided in one place:
 * - `poison`: the record itself is wrong; retrying cannot help. DLQ it and move on.
 * - `transient`: a dependency is down or busy; retry the same record with backoff, forever,
 *   so nothing is skipped while the store or broker is away (readiness reports the stall).
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
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSGroupCoordinatorNotFound',
]);

/**
 * Kafka protocol errors (kafkajs `src/protocol/error.js`, the `type` of a KafkaJSProtocolError)
 * whose treatment differs from kafkajs's own `retriable` flag, or that matter enough to state.
 * Any other type follows that flag: retriable is transient, the rest unexpected.
 */
export const protocolErrorKinds: Readonly<Record<string, FailureKind>> = {
  // The record (or what the handler made of it) is refused for what it is: no retry helps.
  MESSAGE_TOO_LARGE: 'poison',
  RECORD_LIST_TOO_LARGE: 'poison',
  INVALID_RECORD: 'poison',
  INVALID_TIMESTAMP: 'poison',
  // kafkajs retries a CRC failure on its own (retriable); one that outlives those retries is the record's.
  CORRUPT_MESSAGE: 'poison',
  // The cluster or the deployment is not as it should be (a topic not created yet, an ACL
  // missing, a broker away): every record would fail alike. Dead-lettering them would empty the
  // partition into the DLQ for a fault of ours; retry until an operator fixes it.
  UNKNOWN_TOPIC_OR_PARTITION: 'transient',
  LEADER_NOT_AVAILABLE: 'transient',
  NOT_LEADER_FOR_PARTITION: 'transient',
  REQUEST_TIMED_OUT: 'transient',
  BROKER_NOT_AVAILABLE: 'transient',
  REPLICA_NOT_AVAILABLE: 'transient',
  NETWORK_EXCEPTION: 'transient',
  NOT_ENOUGH_REPLICAS: 'transient',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'transient',
  KAFKA_STORAGE_ERROR: 'transient',
  TOPIC_AUTHORIZATION_FAILED: 'transient',
  GROUP_AUTHORIZATION_FAILED: 'transient',
  CLUSTER_AUTHORIZATION_FAILED: 'transient',
  SASL_AUTHENTICATION_FAILED: 'transient',
  // A rebalance in the middle of a commit or a join: the group settles, then it works.
  REBALANCE_IN_PROGRESS: 'transient',
  ILLEGAL_GENERATION: 'transient',
  UNKNOWN_MEMBER_ID: 'transient',
  // A request the broker does not understand or a setting it refuses: our bug or our
  // configuration, not the record's, and not something time mends.
  UNSUPPORTED_VERSION: 'unexpected',
  INVALID_REQUEST: 'unexpected',
  INVALID_REQUIRED_ACKS: 'unexpected',
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 'unexpected',
  UNSUPPORTED_COMPRESSION_TYPE: 'unexpected',
};

/**
 * Errors a handler throws to say the work should simply be done again, after a pause: it met
 * state that changed under it (a write that lost its condition), not a fault of the record.
 */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

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

interface KafkaJSErrorShape {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ContractViolationError || error instanceof PoisonRecordError) {
    return 'poison';
  }
  if (error instanceof RetryLaterError) {
    return 'transient';
  }
  const protocolError = kafkaProtocolError(error);
  if (protocolError) {
    return protocolErrorKinds[protocolError.type] ?? (protocolError.retriable ? 'transient' : 'unexpected');
  }
  if (isError(error)) {
    if (transientErrorNames.has(error.name) || transientErrorNames.has(error.constructor.name)) {
      return 'transient';
    }
    // kafkajs gave up retrying something it holds retriable, with no protocol error inside
    // (a connection that kept failing): the broker is away, not the record wrong.
    if (error.name === 'KafkaJSNumberOfRetriesExceeded') {
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
    // A wrapper kafkajs or a handler put around the real failure: judge the cause.
    const cause = causeOf(error);
    if (cause) {
      return classifyFailure(cause);
    }
  }
  return 'unexpected';
}

/**
 * The Kafka protocol error in `error` or among its causes (kafkajs wraps one in
 * KafkaJSNonRetriableError or KafkaJSNumberOfRetriesExceeded), if any.
 */
export function kafkaProtocolError(error: unknown): { type: string; retriable: boolean } | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    const shape = current as KafkaJSErrorShape;
    if (typeof shape.type === 'string' && String(shape.name).startsWith('KafkaJS')) {
      return { type: shape.type, retriable: shape.retriable === true };
    }
    const cause = causeOf(current);
    if (cause === current) {
      return undefined;
    }
    current = cause;
  }
  return undefined;
}

function causeOf(error: unknown): unknown {
  const shape = error as KafkaJSErrorShape | null;
  return shape?.cause ?? shape?.originalError;
}

/** A stable string code for an error: its own `code`, the Kafka protocol error's type, or its name. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length > 0) {
    return code;
  }
  const protocolError = kafkaProtocolError(error);
  if (protocolError) {
    return `kafka-${protocolError.type.toLowerCase().replaceAll('_', '-')}`;
  }
  return isError(error) ? error.name : 'unknown-error';
}

// Node's own errors (a refused socket) come from another realm under a vm (jest): not `instanceof Error`.
function isError(error: unknown): error is Error {
  return error instanceof Error || types.isNativeError(error);
}

/** Exponential backoff with jitter, capped. */
export function backoffMs(attempt: number, baseMs = 100, capMs = 5_000): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** Protocol errors that mean this member no longer holds its partitions, or is about to lose them. */
const MEMBERSHIP_LOST = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

/**
 * The kafkajs error (found through wrappers) saying that this consumer must rejoin its group, as
 * a heartbeat inside a handler answers during a rebalance; undefined for any other error. Work on
 * the batch must stop there, uncommitted: retrying it would write beside the partition's next
 * owner. kafkajs rejoins when it gets this error back from the batch.
 */
export function groupMembershipLost(error: unknown): Error | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    const shape = current as KafkaJSErrorShape;
    if (typeof shape.type === 'string' && String(shape.name).startsWith('KafkaJS')) {
      return MEMBERSHIP_LOST.has(shape.type) ? (current as Error) : undefined;
    }
    const cause = causeOf(current);
    if (cause === current) {
      return undefined;
    }
    current = cause;
  }
  return undefined;
}
