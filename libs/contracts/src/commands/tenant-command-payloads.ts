import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDefined,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_NAME_MAX_LENGTH, CampaignMessage } from '../campaigns/campaign-fields';
import { CONTACT_ID_PATTERN } from '../identifiers';
import { JOB_ID_PATTERN } from '../jobs/job-view';
import { SEGMENT_ID_PATTERN, SEGMENT_NAME_MAX_LENGTH, SegmentDefinition } from '../segments/segment-fields';
import { IsAbsentOr, IsTagName, IsTagNames } from '../tags/tag-name';
import { TAG_COLOUR_PATTERN, TAG_DESCRIPTION_MAX_LENGTH, TAG_ID_PATTERN } from '../tags/tag-view';
import { BlockPolicy } from '../settings/block-policy-fields';
import { PhoneNumberSettings } from '../settings/phone-number-settings-fields';
import { SealedCredentials } from '../settings/channel-credentials-fields';
import { IsBlockDuration, IsBlockReason, IsBlockUntil, TAGS_PER_CALL_MAX } from './command-payloads';

/** Contact ids one bulk request may list; larger audiences are named by a segment. */
export const BULK_CONTACT_IDS_MAX = 10_000;

/**
 * Exactly one of `fields` is given. Put it on each of them, with `validateTarget` as their
 * `ValidateIf`, so that giving none of them is reported too.
 */
function IsExactlyOneOf(fields: readonly string[]) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isExactlyOneOf',
      target: target.constructor,
      propertyName,
      validator: {
        validate(_value: unknown, args: ValidationArguments) {
          const object = args.object as Record<string, unknown>;
          return fields.filter((field) => object[field] !== undefined).length === 1;
        },
        defaultMessage() {
          return `give exactly one of ${fields.join(', ')}`;
        },
      },
    });
}

export class CreateTagPayload {
  @Matches(TAG_ID_PATTERN)
  tagId: string;

  @IsTagName()
  name: string;

  /** `#rrggbb`; a palette colour when left out. */
  @ApiPropertyOptional({ pattern: TAG_COLOUR_PATTERN.source })
  @IsAbsentOr()
  @Matches(TAG_COLOUR_PATTERN, { message: 'colour must be #rrggbb in lower-case hex' })
  colour?: string;

  @IsAbsentOr()
  @IsString()
  @MaxLength(TAG_DESCRIPTION_MAX_LENGTH)
  description?: string;
}

/** Renames, recolours or describes a tag; a rename reaches every contact that carries it. */
export class UpdateTagPayload {
  @Matches(TAG_ID_PATTERN)
  tagId: string;

  @IsTagName({ optional: true })
  name?: string;

  @ApiPropertyOptional({ pattern: TAG_COLOUR_PATTERN.source })
  @IsAbsentOr()
  @Matches(TAG_COLOUR_PATTERN, { message: 'colour must be #rrggbb in lower-case hex' })
  colour?: string;

  /** `null` clears it. */
  @IsOptional()
  @IsString()
  @MaxLength(TAG_DESCRIPTION_MAX_LENGTH)
  description?: string | null;
}

/** Deletes a tag from the catalog and, in the background, from every contact. */
export class DeleteTagPayload {
  @Matches(TAG_ID_PATTERN)
  tagId: string;
}

/**
 * Merges a tag into another: every contact carrying `tagId` carries `into` instead (once), and
 * `tagId` leaves the catalog. Saved segments that named `tagId` mean `into` from then on.
 */
export class MergeTagPayload {
  @Matches(TAG_ID_PATTERN)
  tagId: string;

  @ApiProperty({ pattern: TAG_ID_PATTERN.source })
  @Matches(TAG_ID_PATTERN)
  into: string;
}

/** A target field is validated when given, and the first one also when none is. */
function validateTarget(fields: readonly string[], field: string) {
  return (payload: object) => {
    const given = payload as Record<string, unknown>;
    return (
      given[field] !== undefined || (field === fields[0] && fields.every((name) => given[name] === undefined))
    );
  };
}

export const BULK_TARGETS = ['contactIds', 'segmentId', 'segment'] as const;

/** An expiry only means something for `action: block`. */
export function IsOnlyForBlocking(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOnlyForBlocking',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return value === undefined || (args.object as { action?: unknown }).action === 'block';
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} is only for action block`;
        },
      },
    });
}

/**
 * The contacts a bulk job works on: up to 10,000 listed by id, a saved segment, or a segment
 * definition (exactly one). Shared by every bulk command.
 */
export class BulkTarget {
  @IsExactlyOneOf(BULK_TARGETS)
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', pattern: CONTACT_ID_PATTERN.source } })
  @ValidateIf(validateTarget(BULK_TARGETS, 'contactIds'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_CONTACT_IDS_MAX)
  @Matches(CONTACT_ID_PATTERN, { each: true })
  contactIds?: string[];

  @IsExactlyOneOf(BULK_TARGETS)
  @ApiPropertyOptional({ pattern: SEGMENT_ID_PATTERN.source })
  @ValidateIf(validateTarget(BULK_TARGETS, 'segmentId'))
  @Matches(SEGMENT_ID_PATTERN)
  segmentId?: string;

  @IsExactlyOneOf(BULK_TARGETS)
  @ValidateIf(validateTarget(BULK_TARGETS, 'segment'))
  @ValidateNested()
  @Type(() => SegmentDefinition)
  segment?: SegmentDefinition;
}

/** Adds or removes tags on many contacts: listed by id, or every contact of a segment. */
export class BulkTagPayload extends BulkTarget {
  @Matches(JOB_ID_PATTERN)
  jobId: string;

  @IsIn(['add', 'remove'])
  action: 'add' | 'remove';

  @IsTagNames(1, TAGS_PER_CALL_MAX)
  tags: string[];
}

/**
 * Blocks or unblocks many contacts: listed by id, or every contact of a segment. A block may
 * be temporary (`durationSeconds` or `until`, one expiry for the whole job); contacts already
 * blocked keep their block. Held to the tenant's block policy, as the job's requester.
 */
export class BulkBlockPayload extends BulkTarget {
  @Matches(JOB_ID_PATTERN)
  jobId: string;

  @IsIn(['block', 'unblock'])
  action: 'block' | 'unblock';

  @IsBlockReason()
  reason?: string;

  /** Only with `action: block`. */
  @IsBlockDuration()
  @IsOnlyForBlocking()
  durationSeconds?: number;

  /** Only with `action: block`. */
  @IsBlockUntil()
  @IsOnlyForBlocking()
  until?: string;
}

/** Sets the tenant's block policy (who may block and unblock, whether a reason is required). */
export class SetBlockPolicyPayload extends BlockPolicy {}

/** Sets how the tenant's phone numbers written without a country code are read (`defaultCountry`). */
export class SetPhoneNumberSettingsPayload extends PhoneNumberSettings {}

/**
 * Sets (or replaces) the tenant's WhatsApp Cloud API credentials (`WhatsappCredentials`), sealed
 * by the gateway. No event carries them.
 */
export class SetWhatsappCredentialsPayload extends SealedCredentials {}

/** Sets (or replaces) the tenant's Twilio credentials (`TwilioCredentials`), sealed by the gateway. No event carries them. */
export class SetTwilioCredentialsPayload extends SealedCredentials {}

export class SaveSegmentPayload {
  @Matches(SEGMENT_ID_PATTERN)
  segmentId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(SEGMENT_NAME_MAX_LENGTH)
  name: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => SegmentDefinition)
  definition: SegmentDefinition;
}

export class DeleteSegmentPayload {
  @Matches(SEGMENT_ID_PATTERN)
  segmentId: string;
}

export const CAMPAIGN_TARGETS = ['segmentId', 'segment'] as const;

/** A message to every contact of a segment; blocked contacts are left out unless `includeBlocked`. */
export class CreateCampaignPayload {
  @Matches(CAMPAIGN_ID_PATTERN)
  campaignId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CAMPAIGN_NAME_MAX_LENGTH)
  name: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => CampaignMessage)
  message: CampaignMessage;

  @IsExactlyOneOf(CAMPAIGN_TARGETS)
  @ApiPropertyOptional({ pattern: SEGMENT_ID_PATTERN.source })
  @ValidateIf(validateTarget(CAMPAIGN_TARGETS, 'segmentId'))
  @Matches(SEGMENT_ID_PATTERN)
  segmentId?: string;

  @IsExactlyOneOf(CAMPAIGN_TARGETS)
  @ValidateIf(validateTarget(CAMPAIGN_TARGETS, 'segment'))
  @ValidateNested()
  @Type(() => SegmentDefinition)
  segment?: SegmentDefinition;

  @IsAbsentOr()
  @IsBoolean()
  includeBlocked?: boolean;
}
