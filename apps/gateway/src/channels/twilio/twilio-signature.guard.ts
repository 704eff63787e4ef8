import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GatewaySettings } from '../../gateway-settings';
import { ApiError } from '../../problems/api-error';
import type { RequestWithRawBody } from '../../problems/json-body-parser';
import { ChannelCredentialsCache } from '../channel-credentials.cache';
import { calledUrl, TWILIO_FORM_TYPE, twilioParamsOf } from './twilio-request';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './twilio-signature';

/** Lets a Twilio webhook through only when its tenant's auth token signed the URL and parameters. */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(
    private readonly credentials: ChannelCredentialsCache,
    private readonly settings: GatewaySettings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithRawBody>();
    // The signature covers form parameters: a JSON or other body is not what Twilio posts here.
    if (!request.is(TWILIO_FORM_TYPE)) {
      throw new ApiError(
        'unsupported-media-type',
        `a Twilio webhook body must be ${TWILIO_FORM_TYPE}, not ${request.headers['content-type'] ?? 'missing'}`,
      );
    }
    const { twilio } = await this.credentials.secretsOf(String(request.params.tenantId));
    const check = twilio
      ? verifyTwilioSignature(
          request.headers[TWILIO_SIGNATURE_HEADER],
          twilio.authToken,
          calledUrl(request, this.settings.PUBLIC_BASE_URL),
          twilioParamsOf(request),
        )
      : 'mismatch'; // an unknown tenant, or one without Twilio credentials, looks like a wrong signature
    if (check !== 'valid') {
      throw new ApiError('unauthenticated', `Twilio webhook signature ${check}`);
    }
    return true;
  }
}
