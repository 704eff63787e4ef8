import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ProblemResponses } from '../problems/problem-responses';
import { IsUUID } from 'class-validator';
import { CommandStatusView } from '@switchboard/contracts';
import { Authenticated } from '../auth/roles.decorator';
import { READERS } from '../auth/roles';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContactsReader } from '../contacts/contacts-reader';
import { BlockEnforcement } from './block-enforcement';

class CommandIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

@ApiTags('commands')
@ProblemResponses()
@Controller('v1/commands')
export class CommandsController {
  constructor(
    private readonly reader: ContactsReader,
    private readonly enforcement: BlockEnforcement,
  ) {}

  /**
   * Where a `202 Accepted` call's outcome shows up: `pending`, then `applied` or `rejected`
   * (a command that could not be applied at all is rejected too); an applied block or unblock
   * also says whether every running filter `enforced` it. `404 command-not-found` for an id
   * the tenant never had accepted.
   */
  @Get(':id')
  @Authenticated(...READERS)
  @ApiOkResponse({
    type: CommandStatusView,
    description: 'The command status, with its outcome event once it has one',
  })
  async status(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CommandIdParams,
  ): Promise<CommandStatusView> {
    const status = await this.reader.commandStatus(principal.tenantId, params.id);
    if (status.status === 'applied' && changesBlock(status.event)) {
      return { ...status, enforced: await this.enforcement.enforcedNow() };
    }
    return status;
  }
}

function changesBlock(event: object | undefined): boolean {
  const type = (event as { type?: unknown } | undefined)?.type;
  return type === 'ContactBlocked' || type === 'ContactUnblocked';
}
