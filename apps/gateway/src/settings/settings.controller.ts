import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BlockPolicyView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ADMINS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickBlockPolicy } from '../commands/command-response';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ProblemResponses } from '../problems/problem-responses';
import { BlockPolicyRequest } from './settings-requests';

/** The tenant's settings: admins only. */
@ApiTags('settings')
@ProblemResponses()
@Controller('v1/settings')
export class SettingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
  ) {}

  /** The tenant's block policy; the default (agents may block, reason optional) until one is set. */
  @Get('block-policy')
  @Authenticated(...ADMINS)
  @ApiOkResponse({ type: BlockPolicyView })
  blockPolicy(@CurrentPrincipal() principal: Principal) {
    return this.reader.blockPolicy(principal.tenantId);
  }

  /**
   * Replaces the block policy. It holds for every block and unblock applied after it, from
   * the API and from other services' commands alike, and for bulk jobs started after it.
   */
  @Put('block-policy')
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: BlockPolicyView })
  @ApiLateOutcomeResponse()
  async setBlockPolicy(
    @CurrentPrincipal() principal: Principal,
    @Body() request: BlockPolicyRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'settings.block-policy',
      { whoMayBlock: request.whoMayBlock, reasonRequired: request.reasonRequired },
      idempotencyKey,
    );
    return answerCommand(result, response, pickBlockPolicy);
  }
}
