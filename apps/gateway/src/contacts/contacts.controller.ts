import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ContactView } from '@switchboard/contracts';
import { Authenticated, READERS, WRITERS } from '../auth/roles.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { contactFromCommand } from '../commands/command-response';
import { ApiError } from '../problems/api-error';
import { contactIdFor } from './contact-id';
import { ContactIdParams, CreateContactRequest } from './contact-requests';
import { ContactsReader } from './contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from './idempotency-key';

@ApiTags('contacts')
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
  ) {}

  /** Creates a contact, or updates the one that already owns one of the identities. */
  @Post()
  @HttpCode(200)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ContactView })
  @ApiAcceptedResponse({ description: 'The outcome is late: poll the status URL' })
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

  @Get(':id')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: ContactView })
  @ApiNotFoundResponse({ description: 'No such contact in the caller’s tenant' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ContactIdParams,
  ): Promise<ContactView> {
    const contact = await this.reader.contact(principal.tenantId, params.id);
    if (!contact) {
      throw new ApiError('contact-not-found', `contact ${params.id} does not exist`);
    }
    return contact;
  }
}
