import { IsInt, IsString, Min } from 'class-validator';
import { StoreSettings } from '@switchboard/config';

export class ContactsSettings extends StoreSettings {
  override PORT: number = 3001;

  /** How many partitions of `contacts.commands` this instance works on at once. */
  @IsInt()
  @Min(1)
  COMMAND_PARTITIONS_CONCURRENTLY: number = 4;

  /**
   * Contacts (record keys) of one partition's batch of commands applied at once; each key's
   * commands stay in order.
   */
  @IsInt()
  @Min(1)
  COMMAND_KEYS_CONCURRENTLY: number = 16;

  /**
   * Commands of one partition's batch applied before what they changed is published (events,
   * blocklist records, outcomes, usage counts): more commands share each round trip of the
   * publication, and each waits longer for its answer.
   */
  @IsInt()
  @Min(1)
  COMMANDS_PER_PUBLICATION: number = 100;

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

  /** Background jobs (catalog renames, bulk tagging, campaign dispatch) run at once per instance. */
  @IsInt()
  @Min(1)
  JOBS_CONCURRENTLY: number = 4;

  /**
   * Steps one job has in flight at once: sent to their contacts' partitions together, then
   * awaited, counted and saved as one chunk.
   */
  @IsInt()
  @Min(1)
  JOB_STEPS_CONCURRENTLY: number = 200;

  /** A job is held this long past its last saved progress; then any instance may resume it. */
  @IsInt()
  @Min(1_000)
  JOB_LEASE_MS: number = 30_000;

  /** How often the contacts service looks for temporary blocks that ended, and unblocks them. */
  @IsInt()
  @Min(100)
  BLOCK_EXPIRY_SWEEP_MS: number = 1_000;

  /** Campaign recipients published, recorded and counted per round. */
  @IsInt()
  @Min(1)
  CAMPAIGN_DISPATCH_CHUNK: number = 5_000;

  /**
   * Fault drills and tests only: every command whose actor id is this one fails with an
   * unexpected error on each attempt, so it goes to the DLQ (and is answered as rejected).
   * Empty, the default: none.
   */
  @IsString()
  COMMAND_FAILURE_DRILL_ACTOR: string = '';
}
