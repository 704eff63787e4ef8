import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { contactIdFor, ContactView } from '@switchboard/contracts';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { READERS, WRITERS } from '../auth/roles';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { BlockEnforcement } from '../commands/block-enforcement';
import { contactFromCommand } from '../commands/command-response';
import { GatewaySettings } from '../gateway-settings';
import { ApiError } from '../problems/api-error';
import { ProblemResponses } from '../problems/problem-responses';
import { ReadsPhoneNumbers } from '../settings/tenant-address-context.interceptor';
import { BlockContactRequest, UnblockContactRequest } from '../blocks/block-requests';
import {
  ContactIdParams,
  createContactAddresses,
  CreateContactRequest,
  ListContactsQuery,
  MessagePageQuery,
  PageQuery,
  UpdateContactRequest,
} from './contact-requests';
import { MessagePage } from '../conversations/conversation-view';
import { contactListFilterOf } from './contact-list-filter';
import { ContactsReader } from './contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from './idempotency-key';

@ApiTags('contacts')
@ProblemResponses()
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
    private readonly enforcement: BlockEnforcement,
    private readonly settings: GatewaySettings,
  ) {}

  /**
   * Creates a contact, or updates the one that already owns one of the identities. On phone
   * channels an address without a country code is read as a number of the tenant's default
   * country (`PUT /v1/settings/phone-numbers`), if it set one.
   */
  @Post()
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ReadsPhoneNumbers(createContactAddresses)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ContactView })
  @ApiLateOutcomeResponse()
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateContactRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { contactId, ...payload } = request;
    const id = contactId ?? contactIdFor(principal.tenantId, request.identities[0]);
    const result = await this.commands.dispatch(principal, 'contact.create', id, payload, idempotencyKey);
    return contactFromCommand(result, response);
  }

  /**
   * The tenant's contacts in a stable order; cursor pagination. Narrowed by block state
   * (`blocked=true`), by a saved segment (`segmentId`), or by tags (`all`, `any`, `none`,
   * each repeatable: `?all=vip&all=gold&none=churned`).
   */
  @Get()
  @Authenticated(...READERS)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListContactsQuery) {
    return this.reader.list(principal.tenantId, {
      filter: contactListFilterOf(query),
      cursor: query.cursor,
      limit: query.limit ?? 50,
    });
  }

  /**
   * Blocks the customer on every identity, for good or for `durationSeconds` / until `until`.
   * `200` means every running message filter already drops their messages; `202` means the
   * block is recorded but not yet confirmed everywhere. Blocking a blocked contact again with
   * the same expiry changes nothing and succeeds; with another expiry it replaces the block.
   * `403 block-not-permitted` / `block-reason-required` when the tenant's block policy refuses.
   */
  @Post(':id/block')
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ContactView })
  @ApiLateOutcomeResponse('Recorded, not yet confirmed by every filter: poll the status URL')
  @ApiBody({ type: BlockContactRequest, required: false })
  block(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Body() request: BlockContactRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.changeBlock(principal, 'contact.block', params.id, request, idempotencyKey, response);
  }

  /**
   * Lets the customer send messages again; `200` once every running filter lets them through.
   * The body (`reason`) is optional unless the tenant's block policy requires a reason.
   */
  @Post(':id/unblock')
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiBody({ type: UnblockContactRequest, required: false })
  @ApiOkResponse({ type: ContactView })
  @ApiLateOutcomeResponse('Recorded, not yet confirmed by every filter: poll the status URL')
  unblock(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Body() request: UnblockContactRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.changeBlock(principal, 'contact.unblock', params.id, request, idempotencyKey, response);
  }

  private async changeBlock(
    principal: Principal,
    type: 'contact.block' | 'contact.unblock',
    contactId: string,
    payload: BlockContactRequest | UnblockContactRequest,
    idempotencyKey: string | undefined,
    response: Response,
  ) {
    const startedAt = Date.now();
    const result = await this.commands.dispatch(principal, type, contactId, payload, idempotencyKey);
    if (result.kind === 'completed' && result.event.type !== 'CommandRejected') {
      const remainingMs = Math.max(0, this.settings.COMMAND_TIMEOUT_MS - (Date.now() - startedAt));
      if (!(await this.enforcement.waitUntilEnforced(remainingMs))) {
        return contactFromCommand({ kind: 'pending', commandId: result.event.commandId }, response);
      }
    }
    return contactFromCommand(result, response);
  }

  /**
   * The customer panel of the chat screen in one call: profile, identities, tags, block state
   * with who/when/why, counters, first and last message times, recent notes and activity.
   */
  @Get(':id')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: ContactView, description: 'The contact with `recentNotes` and `recentActivity`' })
  @ApiNotFoundResponse({ description: 'No such contact in the caller’s tenant' })
  get(@CurrentPrincipal() principal: Principal, @Param() params: ContactIdParams) {
    return this.part(principal, params.id, 'details');
  }

  /** Changes profile fields: given fields replace, `null` clears; attributes merge, a `null` value removes a key. */
  @Patch(':id')
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ContactView })
  @ApiLateOutcomeResponse()
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Body() request: UpdateContactRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (Object.values(request).every((value) => value === undefined)) {
      throw new ApiError('validation-failed', 'name at least one field to change');
    }
    const result = await this.commands.dispatch(
      principal,
      'contact.update',
      params.id,
      request,
      idempotencyKey,
    );
    return contactFromCommand(result, response);
  }

  /** Who blocked, unblocked, tagged, noted or edited the contact, and when: newest first. */
  @Get(':id/activity')
  @Authenticated(...READERS)
  activity(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Query() query: PageQuery,
  ) {
    return this.part(principal, params.id, 'activity', { cursor: query.cursor, limit: query.limit });
  }

  /**
   * Every message the contact sent on any of its identities, newest first, a page at a time,
   * with dropped ones marked `blocked`: `cursor` goes on from a page, `before` starts at a time.
   */
  @Get(':id/messages')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: MessagePage })
  messages(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
    @Query() query: MessagePageQuery,
  ) {
    return this.part(principal, params.id, 'messages', {
      cursor: query.cursor,
      before: query.before,
      limit: query.limit,
    });
  }

  private part(
    principal: Principal,
    contactId: string,
    part: 'details' | 'activity' | 'messages',
    query: Record<string, string | number | undefined> = {},
  ): Promise<unknown> {
    return this.reader.contactPart(principal.tenantId, contactId, part, query);
  }
}
