import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BlockPolicyView, PhoneNumberSettingsView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ADMINS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickBlockPolicy, pickPhoneNumberSettings } from '../commands/command-response';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ProblemResponses } from '../problems/problem-responses';
import { PhoneNumberSettingsCache } from './phone-number-settings-cache';
import { BlockPolicyRequest, PhoneNumberSettingsRequest } from './settings-requests';

/** The tenant's settings: admins only. */
@ApiTags('settings')
@ProblemResponses()
@Controller('v1/settings')
export class SettingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
    private readonly phoneNumbers: PhoneNumberSettingsCache,
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

  /** The tenant's phone-number settings; no default country until one is set. */
  @Get('phone-numbers')
  @Authenticated(...ADMINS)
  @ApiOkResponse({ type: PhoneNumberSettingsView })
  phoneNumberSettings(@CurrentPrincipal() principal: Principal) {
    return this.reader.phoneNumberSettings(principal.tenantId);
  }

  /**
   * Sets the country of phone numbers written without a country code (`null`: none, they are
   * refused): from then on `(415) 555-0123` or `4155550123` with `US` is +14155550123 in contact
   * bodies and the signed webhook, on every gateway within seconds. Numbers stored before keep
   * their spelling; commands and messages produced straight to Kafka still need the country code.
   */
  @Put('phone-numbers')
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: PhoneNumberSettingsView })
  @ApiLateOutcomeResponse()
  async setPhoneNumberSettings(
    @CurrentPrincipal() principal: Principal,
    @Body() request: PhoneNumberSettingsRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'settings.phone-numbers',
      { defaultCountry: request.defaultCountry },
      idempotencyKey,
    );
    // This instance's next request reads the settings as they are now, not in up to 5 s.
    this.phoneNumbers.forget(principal.tenantId);
    return answerCommand(result, response, pickPhoneNumberSettings);
  }
}
