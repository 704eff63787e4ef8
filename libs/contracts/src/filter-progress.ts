import { IsBoolean, IsISO8601, IsObject, IsString, Matches } from 'class-validator';

/**
 * Value of a `message-filter.progress` record (compacted, keyed by instance id): how far one
 * filter instance has applied `contacts.blocklist`. The gateway confirms a block only once
 * every live instance has passed it. A tombstone means the instance stopped.
 */
export class FilterProgress {
  @Matches(/^[A-Za-z0-9._:-]{1,200}$/)
  instanceId: string;

  /** Next blocklist offset to apply, per partition (decimal strings). */
  @IsObject()
  appliedOffsets: Record<string, string>;

  /** True once the instance has loaded the whole blocklist and may pass messages. */
  @IsBoolean()
  loaded: boolean;

  @IsISO8601({ strict: true })
  reportedAt: string;

  @IsString()
  host: string;
}

/** How often a live filter reports, and after how long without a report it counts as gone. */
export const FILTER_PROGRESS_INTERVAL_MS = 1_000;
export const FILTER_LIVENESS_MS = 4_000;
