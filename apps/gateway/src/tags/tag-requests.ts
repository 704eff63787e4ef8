import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import {
  BulkTagPayload,
  CreateTagPayload,
  MergeTagPayload,
  TAG_ID_PATTERN,
  TagNamesPayload,
  UpdateTagPayload,
} from '@switchboard/contracts';

/** Tag names to add or remove: trimmed, 1-64 characters each, at most 50 per call. */
export class TagNamesRequest extends TagNamesPayload {}

export class TagIdParams {
  @ApiProperty({ pattern: TAG_ID_PATTERN.source })
  @Matches(TAG_ID_PATTERN, { message: `tagId must match ${TAG_ID_PATTERN.source}` })
  tagId: string;
}

/** A new tag of the catalog; the gateway gives it its id. */
export class CreateTagRequest extends OmitType(CreateTagPayload, ['tagId'] as const) {}

/** What to change of a tag; `description: null` clears it. A rename reaches every tagged contact. */
export class UpdateTagRequest extends OmitType(UpdateTagPayload, ['tagId'] as const) {}

/**
 * Tags to add to or remove from many contacts: a list of ids, a saved segment or a segment
 * definition (exactly one). The gateway gives the job its id.
 */
export class BulkTagRequest extends OmitType(BulkTagPayload, ['jobId'] as const) {}

/** The tag to merge into: every contact carrying the merged tag carries this one instead. */
export class MergeTagRequest extends OmitType(MergeTagPayload, ['tagId'] as const) {}
