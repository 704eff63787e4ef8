import { Type } from 'class-transformer';
import {
  IsDefined,
  IsArray,
  IsISO8601,
  IsBoolean,
  IsInt,
  Min,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CampaignView } from '../campaigns/campaign-fields';
import { BLOCK_REASON_MAX_LENGTH } from '../commands/command-payloads';
import { ContactView } from '../contact-view';
import { CONTACT_ID_PATTERN } from '../identifiers';
import { JOB_ID_PATTERN, JobView } from '../jobs/job-view';
import { SegmentView } from '../segments/segment-fields';
import { BlockPolicyView } from '../settings/block-policy-fields';
import { PhoneNumberSettingsView } from '../settings/phone-number-settings-fields';
import { ChannelCredentialsView } from '../settings/channel-credentials-fields';
import { TagView } from '../tags/tag-view';
import { ContactChanges } from './contact-changes';

/** Events that report a contact's new state. */
export class ContactStatePayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => ContactView)
  contact: ContactView;

  /**
   * The catalog ids of `contact.tags`, position for position: a tag's id stays when it is
   * renamed (absent from events of versions before it was added).
   */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tagIds?: string[];

  /** False when the command was an idempotent no-op (blocking a blocked contact). */
  @IsBoolean()
  changed: boolean;

  /** The contact fields the command changed. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  changedFields?: string[];

  /** Each changed public field before and after (`{}` for a no-op). */
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactChanges)
  changes?: ContactChanges;

  /** Why, when the command gave a reason (a block or an unblock). */
  @IsOptional()
  @IsString()
  @MaxLength(BLOCK_REASON_MAX_LENGTH)
  reason?: string;
}

/**
 * A contact merged into another (`mergedInto`): it was the same customer under another spelling
 * of an identity. Its identities, tags, notes, activity and messages are the other contact's
 * now, whose state after the merge `contact` is; the merged contact id is no longer found.
 */
export class ContactMergedPayload {
  @Matches(CONTACT_ID_PATTERN)
  mergedInto: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => ContactView)
  contact: ContactView;
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

  /** Pinned notes come first in the contact's notes. (Absent on events from before pins.) */
  @IsOptional()
  @IsBoolean()
  pinned?: boolean;

  @IsOptional()
  @IsISO8601()
  pinnedAt?: string;

  @IsOptional()
  @IsString()
  pinnedBy?: string;
}

/** What a note change replaced: the note's body and pin state before it. */
export class NoteBefore {
  @IsString()
  body: string;

  @IsBoolean()
  pinned: boolean;
}

/**
 * Note events (`NoteAdded`, `NoteEdited`, `NoteDeleted`, `NotePinned`, `NoteUnpinned`): the note
 * after the change (for a deletion, as it was), what it was before, and who changed it (the
 * envelope's `actor`), so that no consumer needs to look anything up.
 */
export class NotePayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => NoteView)
  note: NoteView;

  @IsBoolean()
  changed: boolean;

  /** The note before the change; absent on `NoteAdded` and on a change that changed nothing. */
  @IsOptional()
  @ValidateNested()
  @Type(() => NoteBefore)
  previous?: NoteBefore;

  /** What the change changed: `body`, `pinned`, `deleted`. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  changedFields?: string[];

  /** The note's history revision this change wrote (see GET …/notes/{noteId}/history). */
  @IsOptional()
  @IsInt()
  @Min(1)
  revision?: number;
}

/**
 * `NoteMentioned`: an added or edited note newly mentions an agent (`@agent-id`), for
 * notification services. One per mentioned agent and command; the envelope's `actor` is who
 * mentioned them, its `eventId` a UUIDv5 of the command id and the mentioned id. It is not a
 * command's outcome: the command ends in its `NoteAdded` / `NoteEdited`.
 */
export class NoteMentionedPayload {
  @IsString()
  noteId: string;

  @IsString()
  mentionedActorId: string;

  /** Up to 200 characters of the body around the mention, `…` where cut. */
  @IsString()
  @MaxLength(202)
  excerpt: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  revision?: number;
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

/**
 * A catalog tag merged into another: `tag` is the merged tag as it was (it left the catalog),
 * `into` the tag its contacts carry now, `job` the background job that moves them.
 */
export class TagMergedPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => TagView)
  tag: TagView;

  @IsDefined()
  @ValidateNested()
  @Type(() => TagView)
  into: TagView;

  @IsDefined()
  @ValidateNested()
  @Type(() => JobView)
  job: JobView;
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

/** The tenant's phone-number settings after a change (`settings.phone-numbers`). */
export class PhoneNumberSettingsPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => PhoneNumberSettingsView)
  phoneNumbers: PhoneNumberSettingsView;
}

/** A platform's credentials were set: which platform, when and by whom, never the credentials. */
export class ChannelCredentialsPayload {
  @IsDefined()
  @ValidateNested()
  @Type(() => ChannelCredentialsView)
  credentials: ChannelCredentialsView;
}
