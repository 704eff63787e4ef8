import { IsISO8601, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { CHANNEL_PATTERN, CONTACT_ID_PATTERN, TENANT_ID_PATTERN } from './identifiers';

/**
 * Value of a `contacts.blocklist` record: the current block of one identity, keyed
 * `tenantId|channel|address`. The topic is compacted; an unblock is a tombstone (null value).
 */
export class BlocklistEntry {
  @Matches(TENANT_ID_PATTERN)
  tenantId: string;

  @Matches(CONTACT_ID_PATTERN)
  contactId: string;

  @Matches(CHANNEL_PATTERN)
  channel: string;

  @IsString()
  @MaxLength(256)
  address: string;

  @IsISO8601({ strict: true })
  blockedAt: string;

  @IsString()
  blockedBy: string;

  @IsOptional()
  @IsString()
  reason?: string;

  /**
   * When a temporary block ends: from that instant the filter treats the entry as not blocked,
   * before (and regardless of when) the tombstone of the automatic unblock arrives.
   */
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  /** The contact's version when the block was written: a later unblock has a higher one. */
  @IsInt()
  @Min(1)
  contactVersion: number;
}
