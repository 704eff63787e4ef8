import { IsBoolean, IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';

export const CommandStatuses = ['pending', 'applied', 'rejected'] as const;
export type CommandStatus = (typeof CommandStatuses)[number];

/**
 * Where a command accepted with `202` stands: `pending` until the contacts service has
 * finished it, then `applied` or `rejected` (a dead-lettered command is rejected too) with the
 * event it ended in.
 */
export class CommandStatusView {
  @IsUUID()
  commandId: string;

  @IsIn(CommandStatuses)
  status: CommandStatus;

  /** The `contacts.events` event the command ended in (`CommandRejected` with `code` and `reason` when rejected). */
  @IsOptional()
  @IsObject()
  event?: object;

  /**
   * Applied blocks and unblocks only: whether every running message filter enforces it; turns
   * true once every live filter has applied the blocklist past the change.
   */
  @IsOptional()
  @IsBoolean()
  enforced?: boolean;
}
