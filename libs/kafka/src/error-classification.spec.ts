import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { ContractViolationError } from '@switchboard/contracts';
import {
  classifyFailure,
  errorCode,
  groupMembershipLost,
  PoisonRecordError,
  RetryLaterError,
} from './error-classification';

// kafkajs's own factory of protocol errors from broker error codes, as its client raises them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean };
};

const brokerErrorCodes = {
  UNKNOWN: -1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_FETCH_SIZE: 4,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  NOT_ENOUGH_REPLICAS: 19,
  TOPIC_AUTHORIZATION_FAILED: 29,
  UNSUPPORTED_VERSION: 35,
  INVALID_RECORD: 87,
} as const;

/** kafkajs's retrier wraps a non-retriable failure so: `new KafkaJSNonRetriableError(e, { cause })`. */
function nonRetriable(error: Error | string, cause?: Error): Error {
  const Wrapper = KafkaJSNonRetriableError as unknown as new (
    e: Error | string,
    options: { cause?: Error },
  ) => Error;
  return new Wrapper(error, { cause });
}

function protocolError(type: keyof typeof brokerErrorCodes) {
  const error = createErrorFromCode(brokerErrorCodes[type]);
  expect(error.type).toBe(type);
  return error;
}

describe('classifyFailure', () => {
  it.each([
    ['MESSAGE_TOO_LARGE', 'poison'],
    ['INVALID_RECORD', 'poison'],
    ['CORRUPT_MESSAGE', 'poison'],
    ['UNKNOWN_TOPIC_OR_PARTITION', 'transient'],
    ['NOT_LEADER_FOR_PARTITION', 'transient'],
    ['REQUEST_TIMED_OUT', 'transient'],
    ['NOT_ENOUGH_REPLICAS', 'transient'],
    ['TOPIC_AUTHORIZATION_FAILED', 'transient'],
    ['UNSUPPORTED_VERSION', 'unexpected'],
    ['INVALID_FETCH_SIZE', 'unexpected'],
    ['UNKNOWN', 'unexpected'],
  ] as const)('treats a %s protocol error as %s', (type, kind) => {
    expect(classifyFailure(protocolError(type))).toBe(kind);
  });

  it('judges a non-retriable wrapper by the protocol error it wraps', () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE');
    expect(classifyFailure(nonRetriable(tooLarge, tooLarge))).toBe('poison');
    const refused = protocolError('TOPIC_AUTHORIZATION_FAILED');
    expect(classifyFailure(nonRetriable(refused, refused))).toBe('transient');
  });

  it('judges exhausted retries by their cause, transient when it is retriable', () => {
    const unknownTopic = protocolError('UNKNOWN_TOPIC_OR_PARTITION');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(unknownTopic, { retryCount: 8, retryTime: 100 });
    expect(classifyFailure(exhausted)).toBe('transient');
    const corrupt = protocolError('CORRUPT_MESSAGE');
    expect(
      classifyFailure(new KafkaJSNumberOfRetriesExceeded(corrupt, { retryCount: 8, retryTime: 100 })),
    ).toBe('poison');
  });

  it('treats exhausted retries of a connection as transient', () => {
    const connection = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    expect(classifyFailure(connection)).toBe('transient');
    expect(
      classifyFailure(new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 8, retryTime: 100 })),
    ).toBe('transient');
  });

  it('treats a non-retriable error without a protocol cause as unexpected', () => {
    expect(classifyFailure(nonRetriable('something kafkajs refused'))).toBe('unexpected');
  });

  it('treats contract violations and poison records as poison, bugs as unexpected', () => {
    expect(classifyFailure(new ContractViolationError('bad', []))).toBe('poison');
    expect(classifyFailure(new PoisonRecordError('bad-record', 'bad'))).toBe('poison');
    expect(classifyFailure(new TypeError('cannot read properties of undefined'))).toBe('unexpected');
  });

  it('retries work that met state changed under it (and its subclasses) as transient', () => {
    class WriteLostItsCondition extends RetryLaterError {}
    expect(classifyFailure(new RetryLaterError('changed meanwhile'))).toBe('transient');
    expect(classifyFailure(new WriteLostItsCondition('changed meanwhile'))).toBe('transient');
  });

  it('treats a refused store connection as transient, also when wrapped', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1');
    expect(classifyFailure(refused)).toBe('transient');
    expect(classifyFailure(new Error('handler failed', { cause: refused }))).toBe('transient');
  });
});

describe('errorCode', () => {
  it('names a Kafka protocol error by its type, also through a wrapper', () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE');
    expect(errorCode(tooLarge)).toBe('kafka-message-too-large');
    expect(errorCode(nonRetriable(tooLarge, tooLarge))).toBe('kafka-message-too-large');
  });

  it('keeps an error’s own string code', () => {
    expect(errorCode(new PoisonRecordError('bad-record', 'bad'))).toBe('bad-record');
  });
});

describe('groupMembershipLost', () => {
  const protocolError = (type: string) =>
    Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });

  it('finds the rejoin a heartbeat answers during a rebalance, also wrapped', () => {
    const rebalancing = protocolError('REBALANCE_IN_PROGRESS');
    expect(groupMembershipLost(rebalancing)).toBe(rebalancing);
    expect(groupMembershipLost(new Error('handler failed', { cause: rebalancing }))).toBe(rebalancing);
    expect(groupMembershipLost(protocolError('UNKNOWN_MEMBER_ID'))).toBeDefined();
    expect(groupMembershipLost(protocolError('ILLEGAL_GENERATION'))).toBeDefined();
  });

  it('leaves every other failure to the retries', () => {
    expect(groupMembershipLost(protocolError('LEADER_NOT_AVAILABLE'))).toBeUndefined();
    expect(groupMembershipLost(new Error('connection refused'))).toBeUndefined();
    expect(groupMembershipLost(undefined)).toBeUndefined();
  });
});
