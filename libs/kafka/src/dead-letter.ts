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
} as const;

const REASON_MAX_LENGTH = 4000;

/** The DLQ copy of a record: original key, value and headers, plus why it failed. */
export function deadLetterRecord(
  record: ConsumedRecord,
  error: unknown,
  consumerGroup: string,
): OutboundRecord {
  const reason = error instanceof Error ? error.message : String(error);
  const originalHeaders = Object.fromEntries(
    Object.entries(record.headers)
      .filter(([name, value]) => !name.startsWith('dlq-') && value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? String(value[0]) : String(value)]),
  );
  return {
    topic: deadLetterTopic(record.topic),
    key: record.key?.toString() ?? '',
    value: record.value,
    headers: {
      ...originalHeaders,
      [DeadLetterHeaders.reason]: reason.slice(0, REASON_MAX_LENGTH),
      [DeadLetterHeaders.errorCode]: errorCode(error),
      [DeadLetterHeaders.sourceTopic]: record.topic,
      [DeadLetterHeaders.sourcePartition]: String(record.partition),
      [DeadLetterHeaders.sourceOffset]: record.offset,
      [DeadLetterHeaders.consumerGroup]: consumerGroup,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    },
  };
}
