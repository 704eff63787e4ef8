import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { CommandStatusView, ContactView } from '@switchboard/contracts';
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
