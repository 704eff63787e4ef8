import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { CommandStatusView, ContactPage, ContactView } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { toContactView } from './contact.schema';
import { ContactsRepository } from './contacts.repository';

/** Internal read API for the gateway; the gateway has already authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly outcomes: CommandOutcomesRepository,
  ) {}

  /** `blocked` is `true`/`false`; `after` is the last contact id of the previous page. */
  @Get('contacts')
  async list(
    @Param('tenantId') tenantId: string,
    @Query('blocked') blocked?: string,
    @Query('after') after?: string,
    @Query('limit') limit = '50',
  ): Promise<ContactPage<ContactView>> {
    const pageSize = Math.min(Math.max(Number.parseInt(limit, 10) || 50, 1), 200);
    const contacts = await this.contacts.list(tenantId, {
      blocked: blocked === undefined ? undefined : blocked === 'true',
      afterContactId: after,
      limit: pageSize + 1,
    });
    const items = contacts.slice(0, pageSize).map(toContactView);
    return contacts.length > pageSize ? { items, nextCursor: items[items.length - 1].contactId } : { items };
  }

  @Get('contacts/:contactId')
  async contact(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
  ): Promise<ContactView> {
    const contact = await this.contacts.find(tenantId, contactId);
    if (!contact) {
      throw new NotFoundException({ code: 'contact-not-found' });
    }
    return toContactView(contact);
  }

  @Get('commands/:commandId')
  async command(
    @Param('tenantId') tenantId: string,
    @Param('commandId') commandId: string,
  ): Promise<CommandStatusView> {
    const outcome = await this.outcomes.find(tenantId, commandId);
    if (!outcome) {
      return { commandId, status: 'pending' };
    }
    return {
      commandId,
      status: outcome.eventType === 'CommandRejected' ? 'rejected' : 'applied',
      event: JSON.parse(outcome.event.value) as unknown,
    };
  }
}
