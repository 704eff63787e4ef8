import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

const levelNames: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

// The Java-compatible default partitioner is the one we want; kafkajs warns about it on every producer.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const transientTopicErrors = new Set([
  'This server does not host this topic-partition',
  'This server is not the leader for that topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
]);

/** A kafkajs client whose logs go through the service's structured logger. */
export function createKafkaClient(clientId: string, brokers: string[]): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...fields } = log;
        // A topic that was just created is briefly unknown or leaderless; kafkajs and callers retry.
        const expected = transientTopicErrors.has(String((fields as { error?: unknown }).error));
        new Logger(`kafkajs:${namespace}`)[expected ? 'debug' : (levelNames[level] ?? 'log')](
          { ...fields },
          message,
        );
      },
  });
}
