import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SEGMENT_ID_PATTERN, SaveSegmentPayload, SegmentDefinition } from '@switchboard/contracts';

export class SegmentIdParams {
  @ApiProperty({ pattern: SEGMENT_ID_PATTERN.source })
  @Matches(SEGMENT_ID_PATTERN, { message: `segmentId must match ${SEGMENT_ID_PATTERN.source}` })
  segmentId: string;
}

/** Which contacts a segment holds; an empty definition holds every contact of the tenant. */
export class SegmentDefinitionRequest extends SegmentDefinition {}

/** A segment to save under a name unique in the tenant; the gateway gives it its id. */
export class SaveSegmentRequest extends OmitType(SaveSegmentPayload, ['segmentId'] as const) {}
