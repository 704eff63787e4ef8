import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiTags, ApiUnauthorizedResponse, OmitType } from '@nestjs/swagger';
import { ProblemResponses } from '../problems/problem-responses';
import { identityKey, InboundMessage, type TopicNames } from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import { ChannelWebhookParams } from '../channels/channel-webhook-params';
import { ApiError } from '../problems/api-error';
import { fieldOf, type AddressesOf } from '../settings/sent-addresses';
import { ReadsPhoneNumbers } from '../settings/tenant-address-context.interceptor';
import { SIGNATURE_HEADER } from './webhook-signature';
import { WebhookSignatureGuard } from './webhook-signature.guard';

/** An inbound channel message as a channel posts it; the tenant comes from the signed URL. */
export class InboundWebhookMessage extends OmitType(InboundMessage, ['tenantId'] as const) {}

/** The address a webhook message carries: its sender's. */
export const inboundSenderAddress: AddressesOf = (body) => [
  { channel: fieldOf(body, 'channel'), address: fieldOf(body, 'from') },
];

@ApiTags('inbound')
@ProblemResponses()
@Controller('v1/inbound')
export class InboundWebhookController {
  constructor(
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  /**
   * Accepts one channel message and publishes it to `messages.inbound`. Authenticated by an
   * HMAC-SHA256 signature of the raw body with the tenant's webhook secret. On phone channels a
   * sender without a country code is read as a number of the tenant's default country, if set.
   */
  @Post(':tenantId/messages')
  @HttpCode(202)
  @UseGuards(WebhookSignatureGuard)
  @ReadsPhoneNumbers(inboundSenderAddress)
  @ApiHeader({
    name: SIGNATURE_HEADER,
    required: true,
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
  })
  @ApiAcceptedResponse({ description: 'Published to messages.inbound' })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or expired signature (problem+json)' })
  async receive(
    @Param() params: ChannelWebhookParams,
    @Body() message: InboundWebhookMessage,
  ): Promise<{ messageId: string }> {
    const inbound: InboundMessage = { ...message, tenantId: params.tenantId };
    try {
      await this.producer.send([
        {
          topic: this.topics.messagesInbound,
          key: identityKey(inbound.tenantId, inbound.channel, inbound.from),
          value: JSON.stringify(inbound),
        },
      ]);
    } catch (error) {
      throw new ApiError(
        'dependency-unavailable',
        `the message could not be published: ${(error as Error).message}`,
      );
    }
    return { messageId: inbound.messageId };
  }
}
