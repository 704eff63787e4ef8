import { deadLetterTopic } from '@switchboard/contracts';
import type { ConsumedRecord, OutboundRecord } from './consumed-record';
import { errorCode } from './error-classification';

/** Headers a DLQ record carries; documented in the AsyncAPI file. */
export const DeadLetterHeaders = {
  reason: 'dlq-reason',
  errorCode: 'dlq-error-code',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
  /** Only on a cut copy: the size in bytes of the original value (see truncatedDeadLetterRecord). */
  truncated: 'dlq-truncated',
} as const;

const REASON_MAX_LENGTH = 4000;
const TRUNCATED_REASON_MAX_LENGTH = 1000;
const TRUNCATED_VALUE_MAX_BYTES = 1024;

/** The DLQ copy of a record: original key, value and headers, plus why it failed. */
export function deadLetterRecord(
  record: ConsumedRecord,
  error: unknown,
  consumerGroup: string,
): OutboundRecord {
  const originalHeaders = Object.fromEntries(
    Object.entries(record.headers)
      .filter(([name, value]) => !name.startsWith('dlq-') && value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? String(value[0]) : String(value)]),
  );
  return {
    topic: deadLetterTopic(record.topic),
    key: record.key?.toString() ?? '',
    value: record.value,
    headers: { ...originalHeaders, ...failureHeaders(record, error, consumerGroup, REASON_MAX_LENGTH) },
  };
}

/**
 * The DLQ copy of a record the DLQ refused whole (larger than its `max.message.bytes`): the
 * first KiB of the value, the reason and where it came from, without the original headers, so
 * the failure is still recorded and the partition moves on. The original stays in its topic
 * for its retention (`dlq-source-offset` finds it).
 */
export function truncatedDeadLetterRecord(
  record: ConsumedRecord,
  error: unknown,
  consumerGroup: string,
): OutboundRecord {
  return {
    topic: deadLetterTopic(record.topic),
    key: (record.key?.toString() ?? '').slice(0, TRUNCATED_VALUE_MAX_BYTES),
    value: record.value?.subarray(0, TRUNCATED_VALUE_MAX_BYTES) ?? null,
    headers: {
      ...failureHeaders(record, error, consumerGroup, TRUNCATED_REASON_MAX_LENGTH),
      [DeadLetterHeaders.truncated]: String(record.value?.length ?? 0),
    },
  };
}

function failureHeaders(
  record: ConsumedRecord,
  error: unknown,
  consumerGroup: string,
  reasonMaxLength: number,
): Record<string, string> {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    [DeadLetterHeaders.reason]: reason.slice(0, reasonMaxLength),
    [DeadLetterHeaders.errorCode]: errorCode(error),
    [DeadLetterHeaders.sourceTopic]: record.topic,
    [DeadLetterHeaders.sourcePartition]: String(record.partition),
    [DeadLetterHeaders.sourceOffset]: record.offset,
    [DeadLetterHeaders.consumerGroup]: consumerGroup,
    [DeadLetterHeaders.failedAt]: new Date().toISOString(),
  };
}
