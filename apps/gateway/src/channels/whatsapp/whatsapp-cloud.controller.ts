import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiError } from '../../problems/api-error';
import { ProblemResponses } from '../../problems/problem-responses';
import { ChannelCredentialsCache } from '../channel-credentials.cache';
import { ChannelDeliveryView } from '../channel-delivery-view';
import { ChannelMessagePublisher } from '../channel-message-publisher';
import { ChannelWebhookParams } from '../channel-webhook-params';
import { mapWhatsappCloudWebhook } from './whatsapp-cloud-mapping';
import { isWhatsappVerification, WHATSAPP_SIGNATURE_HEADER } from './whatsapp-signature';
import { WhatsappSignatureGuard } from './whatsapp-signature.guard';

/**
 * The WhatsApp Cloud API (Meta) webhook of a tenant: the callback URL of the tenant's Meta app,
 * verified with the tenant's verify token and app secret (`PUT /v1/settings/channels/whatsapp`).
 */
@ApiTags('inbound')
@ProblemResponses()
@Controller('v1/inbound')
export class WhatsappCloudController {
  constructor(
    private readonly credentials: ChannelCredentialsCache,
    private readonly publisher: ChannelMessagePublisher,
  ) {}

  /** Meta's verification of the callback URL: answers the challenge when the verify token is the tenant's. */
  @Get(':tenantId/whatsapp')
  @ApiQuery({ name: 'hub.mode', required: true, example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token', required: true, description: "the tenant's verify token" })
  @ApiQuery({ name: 'hub.challenge', required: true, description: 'echoed back' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: '`hub.challenge`, as text/plain', schema: { type: 'string' } })
  @ApiForbiddenResponse({ description: 'Not subscribe, or not the tenant verify token (problem+json)' })
  async verify(
    @Param() params: ChannelWebhookParams,
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') verifyToken: unknown,
    @Query('hub.challenge') challenge: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const { whatsapp } = await this.credentials.secretsOf(params.tenantId);
    const query = { mode, verifyToken, challenge };
    if (!whatsapp || !isWhatsappVerification(query, whatsapp.verifyToken)) {
      throw new ApiError('webhook-verification-failed', 'the verification request does not match');
    }
    response.type('text/plain').setHeader('X-Content-Type-Options', 'nosniff');
    return query.challenge;
  }

  /**
   * Meta's notifications. Every message (`field: messages`, `value.messages[]`) is published to
   * `messages.inbound`; status updates and other fields are acknowledged. Answers 200 once
   * published; a redelivery publishes nothing new.
   */
  @Post(':tenantId/whatsapp')
  @HttpCode(200)
  @UseGuards(WhatsappSignatureGuard)
  @ApiHeader({
    name: WHATSAPP_SIGNATURE_HEADER,
    required: true,
    description: "sha256=<hex HMAC-SHA256 of the raw body with the tenant's Meta app secret>",
  })
  @ApiBody({ description: 'A WhatsApp Cloud API webhook notification', schema: { type: 'object' } })
  @ApiOkResponse({ type: ChannelDeliveryView })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong signature (problem+json)' })
  @ApiUnsupportedMediaTypeResponse({ description: 'A body that is not application/json (problem+json)' })
  async receive(
    @Param() params: ChannelWebhookParams,
    @Req() request: Request,
  ): Promise<ChannelDeliveryView> {
    // Read as sent, not through the body pipe: one unstorable message is dead-lettered on its
    // own instead of failing the notification (and every other message in it) with a 400.
    const { messages, statuses, otherChanges } = mapWhatsappCloudWebhook(request.body as unknown);
    const delivery = await this.publisher.publish('whatsapp', params.tenantId, messages);
    return { ...delivery, acknowledged: statuses + otherChanges };
  }
}
