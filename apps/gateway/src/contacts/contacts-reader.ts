import { Injectable } from '@nestjs/common';
import {
  type BlockPolicyView,
  type ChannelCredentialsView,
  INTERNAL_TOKEN_HEADER,
  InternalRoutes,
  type CampaignView,
  type CommandStatusView,
  type ContactPage,
  type ContactView,
  type ErrorCode,
  type JobView,
  type NoteHistoryView,
  type PhoneNumberSettingsView,
  type SealedChannelCredentials,
  type SegmentDefinition,
  type SegmentPreview,
  type SegmentView,
  type TagView,
} from '@switchboard/contracts';
import { ReadinessRegistry } from '@switchboard/observability';
import { ApiError } from '../problems/api-error';
import { isErrorCode, problemTypes } from '../problems/problem-types';
import { GatewaySettings } from '../gateway-settings';
import type { ContactListFilter } from './contact-list-filter';

const READ_TIMEOUT_MS = 2_000;

/** A list the contacts service answers in one piece. */
export interface ItemList<T> {
  items: T[];
}

/** One call to the internal API; `about` names what it reads, for the detail of a not-found problem. */
interface InternalCall {
  path: string;
  about?: string;
  body?: object;
  /** Calls that count or scan many contacts (previews, filtered listings) may take longer. */
  scans?: boolean;
}

/**
 * Reads from the contacts service's internal HTTP API (and notes the commands answered `202`).
 * Queries go over HTTP, not Kafka request-reply: no reply-topic partitions to hold, no
 * misrouted replies on rebalance.
 */
@Injectable()
export class ContactsReader {
  constructor(
    private readonly settings: GatewaySettings,
    readiness: ReadinessRegistry,
  ) {
    readiness.register('contacts-service', async () => {
      const response = await fetch(new URL('/health/ready', settings.CONTACTS_URL), {
        signal: AbortSignal.timeout(READ_TIMEOUT_MS),
      });
      return response.ok;
    });
  }

  /**
   * A page of the tenant's contacts, narrowed by `filter`; the cursor is the contacts
   * service's `after` id, encoded.
   */
  async list(
    tenantId: string,
    page: { filter: ContactListFilter; cursor?: string; limit: number },
  ): Promise<ContactPage<ContactView>> {
    const query = new URLSearchParams({ limit: String(page.limit) });
    const { filter } = page;
    if ('segmentId' in filter) {
      query.set('segmentId', filter.segmentId);
    }
    if ('segment' in filter) {
      query.set('segment', JSON.stringify(filter.segment));
    }
    if ('blocked' in filter && filter.blocked !== undefined) {
      query.set('blocked', String(filter.blocked));
    }
    if (page.cursor) {
      query.set('after', Buffer.from(page.cursor, 'base64url').toString());
    }
    const found = await this.call<ContactPage<ContactView>>({
      path: `${InternalRoutes.contacts(tenantId)}?${query.toString()}`,
      about: 'segmentId' in filter ? `segment ${filter.segmentId}` : undefined,
      scans: 'segmentId' in filter || 'segment' in filter,
    });
    const nextCursor = found.nextCursor && Buffer.from(found.nextCursor).toString('base64url');
    return { items: found.items, ...(nextCursor && { nextCursor }) };
  }

  /** A part of one contact (details, notes, activity, messages). */
  contactPart<T>(
    tenantId: string,
    contactId: string,
    part: 'details' | 'notes' | 'activity' | 'messages',
    query: Record<string, string | number | undefined> = {},
  ): Promise<T> {
    const search = new URLSearchParams(
      Object.entries(query)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]): [string, string] => [name, String(value)]),
    );
    return this.call<T>({
      path: `${InternalRoutes.contactPart(tenantId, contactId, part)}?${search.toString()}`,
      about: `contact ${contactId}`,
    });
  }

  /** Who changed a note, what and when. */
  noteHistory(tenantId: string, contactId: string, noteId: string): Promise<NoteHistoryView> {
    return this.call({
      path: InternalRoutes.noteHistory(tenantId, contactId, noteId),
      about: `note ${noteId} of contact ${contactId}`,
    });
  }

  /** The inbox: contacts with recent conversations, newest last message first. */
  conversations<T>(
    tenantId: string,
    page: { cursor?: string; limit: number; tag?: string; blocked?: 'true' | 'false' },
  ): Promise<T> {
    const query = new URLSearchParams(
      Object.entries(page)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]): [string, string] => [name, String(value)]),
    );
    return this.call<T>({
      path: `${InternalRoutes.conversations(tenantId)}?${query.toString()}`,
      scans: true,
    });
  }

  /** The tenant's tag catalog with how many contacts carry each tag. */
  tags(tenantId: string): Promise<ItemList<TagView>> {
    return this.call({ path: InternalRoutes.tags(tenantId) });
  }

  tag(tenantId: string, tagId: string): Promise<TagView> {
    return this.call({ path: InternalRoutes.tag(tenantId, tagId), about: `tag ${tagId}` });
  }

  segments(tenantId: string): Promise<ItemList<SegmentView>> {
    return this.call({ path: InternalRoutes.segments(tenantId) });
  }

  segment(tenantId: string, segmentId: string): Promise<SegmentView> {
    return this.call({ path: InternalRoutes.segment(tenantId, segmentId), about: `segment ${segmentId}` });
  }

  /** How many contacts a definition holds now, and a few of them. */
  previewSegment(tenantId: string, definition: SegmentDefinition): Promise<SegmentPreview> {
    return this.call({ path: InternalRoutes.segmentPreview(tenantId), body: definition, scans: true });
  }

  previewSavedSegment(tenantId: string, segmentId: string): Promise<SegmentPreview> {
    return this.call({
      path: InternalRoutes.savedSegmentPreview(tenantId, segmentId),
      about: `segment ${segmentId}`,
      scans: true,
    });
  }

  job(tenantId: string, jobId: string): Promise<JobView> {
    return this.call({ path: InternalRoutes.job(tenantId, jobId), about: `job ${jobId}` });
  }

  campaigns(tenantId: string): Promise<ItemList<CampaignView>> {
    return this.call({ path: InternalRoutes.campaigns(tenantId) });
  }

  campaign(tenantId: string, campaignId: string): Promise<CampaignView> {
    return this.call({
      path: InternalRoutes.campaign(tenantId, campaignId),
      about: `campaign ${campaignId}`,
    });
  }

  blockPolicy(tenantId: string): Promise<BlockPolicyView> {
    return this.call({ path: InternalRoutes.blockPolicy(tenantId) });
  }

  /** How the tenant's phone numbers without a country code are read (its default country). */
  phoneNumberSettings(tenantId: string): Promise<PhoneNumberSettingsView> {
    return this.call({ path: InternalRoutes.phoneNumberSettings(tenantId) });
  }

  /** Which channel platforms the tenant has set credentials for, when and by whom. */
  channelCredentials(tenantId: string): Promise<ItemList<ChannelCredentialsView>> {
    return this.call({ path: InternalRoutes.channelCredentials(tenantId) });
  }

  /** The tenant's channel credentials, sealed: for webhook verification only, never to answer with. */
  sealedChannelCredentials(tenantId: string): Promise<SealedChannelCredentials> {
    return this.call({ path: InternalRoutes.channelSecrets(tenantId) });
  }

  commandStatus(tenantId: string, commandId: string): Promise<CommandStatusView> {
    return this.call({ path: InternalRoutes.commandOutcome(tenantId, commandId) });
  }

  /**
   * The one thing the gateway tells the contacts service rather than asks: it answered `202`
   * for this command, so its status reads `pending` (not unknown) until it ends.
   */
  acceptCommand(tenantId: string, commandId: string): Promise<CommandStatusView> {
    return this.call({ path: InternalRoutes.acceptedCommand(tenantId, commandId), body: {} });
  }

  /** A GET, or a POST of `body`; a 404 with an error code becomes that problem. */
  private async call<T>({ path, about, body, scans = false }: InternalCall): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.settings.CONTACTS_URL), {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          [INTERNAL_TOKEN_HEADER]: this.settings.INTERNAL_API_TOKEN,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(scans ? this.settings.SCAN_TIMEOUT_MS : READ_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(
        'dependency-unavailable',
        `the contacts service did not answer: ${(error as Error).message}`,
      );
    }
    if (response.status === 404) {
      const code = await notFoundCode(response);
      if (code) {
        throw new ApiError(code, about ? `${about} does not exist` : problemTypes[code].title);
      }
    }
    if (!response.ok) {
      throw new ApiError('dependency-unavailable', `the contacts service answered ${response.status}`);
    }
    return (await response.json()) as T;
  }
}

/**
 * The contacts service answers `404 {code}` for a thing that does not exist. A 404 without a
 * known code is a route it does not serve (another version): not the caller's problem.
 */
async function notFoundCode(response: Response): Promise<ErrorCode | undefined> {
  const body = (await response.json().catch(() => undefined)) as { code?: unknown } | undefined;
  return typeof body?.code === 'string' && isErrorCode(body.code) ? body.code : undefined;
}
