import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ProblemResponses } from '../problems/problem-responses';
import { IsUUID } from 'class-validator';
import type { CommandStatusView } from '@switchboard/contracts';
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

  /** Where a `202 Accepted` call's outcome shows up: `pending`, then `applied` or `rejected`. */
  @Get(':id')
  @Authenticated(...READERS)
  @ApiOkResponse({ description: 'The command status, with its outcome event once it has one' })
  status(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CommandIdParams,
  ): Promise<CommandStatusView> {
    return this.reader.commandStatus(principal.tenantId, params.id);
  }
}
