import { BadRequestException } from '@nestjs/common';
import { ContractViolationError, SegmentDefinition, validateContract } from '@switchboard/contracts';

/** A segment definition the gateway sent (it validated it already; this is the service's own guard). */
export function segmentDefinitionOf(plain: unknown): SegmentDefinition {
  try {
    return validateContract(SegmentDefinition, plain);
  } catch (error) {
    if (error instanceof ContractViolationError) {
      throw new BadRequestException({ code: 'validation-failed', reason: error.message });
    }
    throw error;
  }
}
