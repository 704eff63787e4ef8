import type { TenantCommandOf, TenantCommandType } from './contact-command';

/** A tenant command before it has an envelope: its type and payload. */
export type TenantCommandBody = {
  [K in TenantCommandType]: Pick<TenantCommandOf<K>, 'type' | 'payload'>;
}[TenantCommandType];

/**
 * What a tenant command is about, and so the second half of its Kafka key. It follows from
 * the type and payload alone, so no caller can key a command wrongly: every catalog command
 * of a tenant shares `tags` (names are decided in order), every segment command `segments`,
 * and a bulk job or a campaign is its own subject.
 */
export function tenantCommandSubject(command: TenantCommandBody): string {
  switch (command.type) {
    case 'tag.create':
    case 'tag.update':
    case 'tag.delete':
      return 'tags';
    case 'segment.save':
    case 'segment.delete':
      return 'segments';
    case 'bulk.tag':
      return `job:${command.payload.jobId}`;
    case 'campaign.create':
      return `campaign:${command.payload.campaignId}`;
  }
}

/** The tag, segment, job or campaign a tenant command names. */
export function tenantCommandEntityId(command: TenantCommandBody): string {
  switch (command.type) {
    case 'tag.create':
    case 'tag.update':
    case 'tag.delete':
      return command.payload.tagId;
    case 'segment.save':
    case 'segment.delete':
      return command.payload.segmentId;
    case 'bulk.tag':
      return command.payload.jobId;
    case 'campaign.create':
      return command.payload.campaignId;
  }
}
