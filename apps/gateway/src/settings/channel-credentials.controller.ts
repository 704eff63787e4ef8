import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ChannelCredentialsView, type ChannelPlatform } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ADMINS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ChannelCredentialsCache } from '../channels/channel-credentials.cache';
import { credentialsKeyOf, sealCredentials } from '../channels/credentials-seal';
import { GatewaySettings } from '../gateway-settings';
import { ApiLateOutcomeResponse } from '../commands/accepted-command-responses';
import { CommandBus, type CommandResult } from '../commands/command-bus';
import { answerCommand, pickChannelCredentials } from '../commands/command-response';
import { ContactsReader } from '../contacts/contacts-reader';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ApiItemListResponse } from '../item-list-response';
import { ProblemResponses } from '../problems/problem-responses';
import { TwilioCredentialsRequest, WhatsappCredentialsRequest } from './channel-credentials-requests';

/**
 * The credentials the gateway verifies a tenant's channel webhooks with: admins set them and
 * see which are configured; nobody reads them back (they are in no answer, log or event).
 */
@ApiTags('settings')
@ProblemResponses()
@Controller('v1/settings/channels')
export class ChannelCredentialsController {
  private readonly key: Buffer;

  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ContactsReader,
    private readonly cache: ChannelCredentialsCache,
    settings: GatewaySettings,
  ) {
    this.key = credentialsKeyOf(settings);
  }

  /** Each channel platform: whether its credentials are set, when and by whom. */
  @Get()
  @Authenticated(...ADMINS)
  @ApiItemListResponse(ChannelCredentialsView)
  list(@CurrentPrincipal() principal: Principal) {
    return this.reader.channelCredentials(principal.tenantId);
  }

  /**
   * Sets the WhatsApp Cloud API credentials: the Meta app's secret (it signs the webhooks) and
   * the verify token typed into the app's webhook settings. Replaces earlier ones; webhooks are
   * verified with them within `CHANNEL_CREDENTIALS_CACHE_MS` on every gateway.
   */
  @Put('whatsapp')
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ChannelCredentialsView })
  @ApiLateOutcomeResponse()
  async setWhatsapp(
    @CurrentPrincipal() principal: Principal,
    @Body() request: WhatsappCredentialsRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'settings.whatsapp-credentials',
      {
        sealed: this.seal(principal, 'whatsapp', {
          appSecret: request.appSecret,
          verifyToken: request.verifyToken,
        }),
      },
      idempotencyKey,
    );
    return this.answer(principal, result, response);
  }

  /** Sets the Twilio account's auth token (it signs the webhooks). Replaces an earlier one. */
  @Put('twilio')
  @Authenticated(...ADMINS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiOkResponse({ type: ChannelCredentialsView })
  @ApiLateOutcomeResponse()
  async setTwilio(
    @CurrentPrincipal() principal: Principal,
    @Body() request: TwilioCredentialsRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'settings.twilio-credentials',
      { sealed: this.seal(principal, 'twilio', { authToken: request.authToken }) },
      idempotencyKey,
    );
    return this.answer(principal, result, response);
  }

  /** Only the sealed form leaves the gateway (the command, its DLQ, the store). */
  private seal(principal: Principal, platform: ChannelPlatform, credentials: object): string {
    return sealCredentials(this.key, principal.tenantId, platform, credentials);
  }

  private answer(principal: Principal, result: CommandResult, response: Response) {
    // This instance verifies with the new credentials at once; the others within the cache bound.
    this.cache.forget(principal.tenantId);
    return answerCommand(result, response, pickChannelCredentials);
  }
}
