import { Injectable } from '@nestjs/common';
import {
  INTERNAL_TOKEN_HEADER,
  InternalRoutes,
  type CommandStatusView,
  type ContactPage,
  type ContactView,
} from '@switchboard/contracts';
import { ReadinessRegistry } from '@switchboard/observability';
import { ApiError } from '../problems/api-error';
import { GatewaySettings } from '../gateway-settings';

const READ_TIMEOUT_MS = 2_000;

/**
 * Reads from the contacts service's internal HTTP API. Queries go over HTTP, not Kafka
 * request-reply: no reply-topic partitions to hold, no misrouted replies on rebalance.
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

  /** A page of the tenant's contacts; the cursor is the contacts service's `after` id, encoded. */
  async list(
    tenantId: string,
    filter: { blocked?: boolean; cursor?: string; limit: number },
  ): Promise<ContactPage<ContactView>> {
    const query = new URLSearchParams({ limit: String(filter.limit) });
    if (filter.blocked !== undefined) {
      query.set('blocked', String(filter.blocked));
    }
    if (filter.cursor) {
      query.set('after', Buffer.from(filter.cursor, 'base64url').toString());
    }
    const page = await this.get<ContactPage<ContactView>>(
      `${InternalRoutes.contacts(tenantId)}?${query.toString()}`,
    );
    const nextCursor = page?.nextCursor && Buffer.from(page.nextCursor).toString('base64url');
    return { items: page?.items ?? [], ...(nextCursor && { nextCursor }) };
  }

  /** A part of one contact (details, notes, activity, messages); undefined when there is no such contact. */
  contactPart<T>(
    tenantId: string,
    contactId: string,
    part: 'details' | 'notes' | 'activity' | 'messages',
    query: Record<string, string | number | undefined> = {},
  ): Promise<T | undefined> {
    const search = new URLSearchParams(
      Object.entries(query)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]): [string, string] => [name, String(value)]),
    );
    return this.get<T>(`${InternalRoutes.contactPart(tenantId, contactId, part)}?${search.toString()}`);
  }

  async tags(tenantId: string): Promise<{ items: unknown[] }> {
    return (await this.get<{ items: unknown[] }>(InternalRoutes.tags(tenantId))) ?? { items: [] };
  }

  async commandStatus(tenantId: string, commandId: string): Promise<CommandStatusView> {
    const status = await this.get<CommandStatusView>(InternalRoutes.commandOutcome(tenantId, commandId));
    return status ?? { commandId, status: 'pending' };
  }

  private async get<T>(path: string): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.settings.CONTACTS_URL), {
        headers: { [INTERNAL_TOKEN_HEADER]: this.settings.INTERNAL_API_TOKEN },
        signal: AbortSignal.timeout(READ_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(
        'dependency-unavailable',
        `the contacts service did not answer: ${(error as Error).message}`,
      );
    }
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw new ApiError('dependency-unavailable', `the contacts service answered ${response.status}`);
    }
    return (await response.json()) as T;
  }
}
