import { IsInt, Min } from 'class-validator';
import { StoreSettings } from '@switchboard/config';

export class ContactsSettings extends StoreSettings {
  override PORT: number = 3001;

  /** How many partitions of `contacts.commands` this instance works on at once. */
  @IsInt()
  @Min(1)
  COMMAND_PARTITIONS_CONCURRENTLY: number = 4;

  /**
   * Partitions of `messages.accepted`/`messages.blocked` counted at once. Lower than for
   * commands: counting yields the store to commands, which an agent is waiting on.
   */
  @IsInt()
  @Min(1)
  MESSAGE_PARTITIONS_CONCURRENTLY: number = 1;

  /** How long command outcomes are kept for `GET /v1/commands/{id}` and idempotent retries. */
  @IsInt()
  @Min(1)
  COMMAND_OUTCOME_RETENTION_HOURS: number = 72;
}
