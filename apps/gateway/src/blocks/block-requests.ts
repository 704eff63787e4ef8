import { OmitType, PickType } from '@nestjs/swagger';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import {
  BLOCK_DURATION_MAX_SECONDS,
  BlockContactPayload,
  BulkBlockPayload,
  IsBlockUntil,
  IsOnlyForBlocking,
  UnblockContactPayload,
} from '@switchboard/contracts';

/**
 * An `until` in the future and at most `BLOCK_DURATION_MAX_SECONDS` ahead, by the gateway's
 * clock: refused up front with a field error (the contacts service checks it again when it
 * applies the command).
 */
function IsFutureBlockEnd(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isFutureBlockEnd',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') {
            return true; // the contract's own validators report the type
          }
          const aheadMs = Date.parse(value) - Date.now();
          return aheadMs > 0 && aheadMs <= BLOCK_DURATION_MAX_SECONDS * 1000;
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be in the future and at most ${BLOCK_DURATION_MAX_SECONDS / 86_400} days ahead`;
        },
      },
    });
}

/**
 * Blocks a customer: for good, or for `durationSeconds` (60 s to 366 days) or until `until`
 * (not both). A temporary block ends by itself: the filters let messages through from that
 * instant and the contacts service records an unblock by `system` with reason `expired`.
 */
export class BlockContactRequest extends PickType(BlockContactPayload, [
  'reason',
  'durationSeconds',
  'until',
] as const) {
  /** When the block ends: ISO 8601 with a zone, in the future, at most 366 days ahead. */
  // All of `until`'s validators again: class-validator drops a parent's custom validators of a
  // property the subclass decorates.
  @IsBlockUntil()
  @IsFutureBlockEnd()
  override until?: string;
}

/** Why the customer may write again (required when the tenant's block policy says so). */
export class UnblockContactRequest extends UnblockContactPayload {}

/**
 * Blocks or unblocks up to 10,000 listed contacts, or every contact of a saved segment or a
 * segment definition (exactly one). The gateway gives the job its id.
 */
export class BulkBlockRequest extends OmitType(BulkBlockPayload, ['jobId'] as const) {
  /** When the blocks end (`action: block` only): in the future, at most 366 days ahead. */
  @IsBlockUntil()
  @IsOnlyForBlocking()
  @IsFutureBlockEnd()
  override until?: string;
}
