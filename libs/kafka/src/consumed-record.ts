import type { IHeaders } from 'kafkajs';

/** One record as a consumer sees it, with where it came from. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

/** A record to produce; `value: null` is a tombstone. */
export interface OutboundRecord {
  topic: string;
  key: string;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}
