import { Controller, Header, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { RequestWithRawBody } from '../../problems/json-body-parser';
import { ProblemResponses } from '../../problems/problem-responses';
import { ChannelMessagePublisher } from '../channel-message-publisher';
import { ChannelWebhookParams } from '../channel-webhook-params';
import { mapTwilioWebhook } from './twilio-mapping';
import { TWILIO_SIGNATURE_HEADER } from './twilio-signature';
import { TWILIO_FORM_TYPE, twilioParamsOf } from './twilio-request';
import { TwilioSignatureGuard } from './twilio-signature.guard';

/** TwiML that answers nothing: the message is taken, no reply is sent. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * The Twilio messaging webhook of a tenant ("A message comes in" of a number or messaging
 * service, SMS and WhatsApp alike), verified with the account's auth token
 * (`PUT /v1/settings/channels/twilio`).
 */
@ApiTags('inbound')
@ProblemResponses()
@Controller('v1/inbound')
export class TwilioController {
  constructor(private readonly publisher: ChannelMessagePublisher) {}

  /**
   * Publishes the message to `messages.inbound` (channel `whatsapp` for a `whatsapp:` sender,
   * else `sms`); a status callback is acknowledged. Answers an empty TwiML response once
   * published; a redelivery publishes nothing new.
   */
  @Post(':tenantId/twilio')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml; charset=utf-8')
  @UseGuards(TwilioSignatureGuard)
  @ApiHeader({
    name: TWILIO_SIGNATURE_HEADER,
    required: true,
    description:
      "base64(HMAC-SHA1(the account's auth token, the full URL called + every POST parameter's name and value, sorted by name))",
  })
  @ApiConsumes(TWILIO_FORM_TYPE)
  @ApiBody({
    description: "Twilio's messaging webhook parameters (MessageSid, From, To, Body, NumMedia, MediaUrl0, …)",
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  })
  @ApiProduces('text/xml')
  @ApiOkResponse({ description: 'An empty TwiML `<Response/>`', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong signature (problem+json)' })
  @ApiUnsupportedMediaTypeResponse({
    description: `A body that is not ${TWILIO_FORM_TYPE} (problem+json)`,
  })
  async receive(@Param() params: ChannelWebhookParams, @Req() request: RequestWithRawBody): Promise<string> {
    const { messages } = mapTwilioWebhook(twilioParamsOf(request), new Date());
    await this.publisher.publish('twilio', params.tenantId, messages);
    return EMPTY_TWIML;
  }
}
