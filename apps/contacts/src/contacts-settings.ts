import { IsInt, Min } from 'class-validator';
import { StoreSettings } from '@switchboard/config';

export class ContactsSettings extends StoreSettings {
  override PORT: number = 3001;

  /** How many partitions of `contacts.commands` this instance works on at once. */
  @IsInt()
  @Min(1)
  COMMAND_PARTITIONS_CONCURRENTLY: number = 4;

  /** How long command outcomes are kept for `GET /v1/commands/{id}` and idempotent retries. */
  @IsInt()
  @Min(1)
  COMMAND_OUTCOME_RETENTION_HOURS: number = 72;
}
