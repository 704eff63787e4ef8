import { Type } from 'class-transformer';
import {
  IsDefined,
  IsArray,
  IsISO8601,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CampaignView } from '../campaigns/campaign-fields';
import { ContactView } from '../contact-view';
import { JOB_ID_PATTERN, JobView } from '../jobs/job-view';
import { SegmentView } from '../segments/segment-fields';
import { BlockPolicyView } from '../settings/block-policy-fields';
import { TagView } from '../tags/tag-view';

/** Events that report a contact's new state. */
export class ContactStatePayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => ContactView)
  contact: ContactView;

  /** False when the command was an idempotent no-op (blocking a blocked contact). */
  @IsBoolean()
  changed: boolean;

  /** The contact fields the command changed. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  changedFields?: string[];
}

export class RejectionFieldError {
  @IsString()
  field: string;

  @IsArray()
  @IsString({ each: true })
  messages: string[];
}

/** A command that was invalid or refused; `code` is stable, `reason` is for people. */
export class CommandRejectedPayload {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  code: string;

  @IsString()
  @MaxLength(2000)
  reason: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => RejectionFieldError)
  fieldErrors?: RejectionFieldError[];
}

/** A note as events carry it and the API returns it. */
export class NoteView {
  @IsString()
  noteId: string;

  @IsString()
  contactId: string;

  @IsString()
  authorId: string;

  @IsString()
  body: string;

  @IsISO8601()
  createdAt: string;

  @IsISO8601()
  updatedAt: string;

  @IsOptional()
  @IsString()
  editedBy?: string;
}

/** Note events: the note after the change (for a deletion, as it was). */
export class NotePayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => NoteView)
  note: NoteView;

  @IsBoolean()
  changed: boolean;
}

/** Catalog events: the tag after the change (for a deletion, as it was). */
export class TagPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => TagView)
  tag: TagView;

  /** The background job that carries a rename or deletion to every tagged contact. */
  @IsOptional()
  @Matches(JOB_ID_PATTERN)
  jobId?: string;
}

export class JobPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => JobView)
  job: JobView;
}

export class SegmentPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => SegmentView)
  segment: SegmentView;
}

export class CampaignPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => CampaignView)
  campaign: CampaignView;
}

export class BlockPolicyPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => BlockPolicyView)
  policy: BlockPolicyView;
}
