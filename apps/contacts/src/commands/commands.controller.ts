import { Controller, Get, HttpCode, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { CommandStatusView } from '@switchboard/contracts';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { InternalTokenGuard } from '../internal-token.guard';
import { AcceptedCommandsRepository } from './accepted-commands.repository';

/** Internal API of command statuses, for the gateway's `GET /v1/commands/{id}`. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId/commands/:commandId')
export class CommandsController {
  constructor(
    private readonly outcomes: CommandOutcomesRepository,
    private readonly accepted: AcceptedCommandsRepository,
  ) {}

  /** The outcome when there is one; `pending` for a command known to be under way; else 404. */
  @Get()
  async status(
    @Param('tenantId') tenantId: string,
    @Param('commandId') commandId: string,
  ): Promise<CommandStatusView> {
    const outcome = await this.outcomes.find(tenantId, commandId);
    if (outcome) {
      return {
        commandId,
        status: outcome.eventType === 'CommandRejected' ? 'rejected' : 'applied',
        event: JSON.parse(outcome.event.value) as object,
      };
    }
    if (await this.accepted.has(tenantId, commandId)) {
      return { commandId, status: 'pending' };
    }
    // Keyed by tenant: another tenant's command is as unknown as one never issued.
    throw new NotFoundException({ code: 'command-not-found' });
  }

  /** The gateway answered `202` for the command: it reads `pending` until its outcome. */
  @Post('accepted')
  @HttpCode(200)
  async accept(
    @Param('tenantId') tenantId: string,
    @Param('commandId') commandId: string,
  ): Promise<CommandStatusView> {
    await this.accepted.record(tenantId, commandId, new Date());
    return this.status(tenantId, commandId);
  }
}
