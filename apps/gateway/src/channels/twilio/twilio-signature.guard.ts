import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GatewaySettings } from '../../gateway-settings';
import { ApiError } from '../../problems/api-error';
import type { RequestWithRawBody } from '../../problems/json-body-parser';
import { ChannelCredentialsCache } from '../channel-credentials.cache';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './twilio-signature';

export const TWILIO_FORM_TYPE = 'application/x-www-form-urlencoded';

/** The POST parameters as sent, in order, repeated names included (what Twilio signed). */
export function twilioParamsOf(request: RequestWithRawBody): URLSearchParams {
  return new URLSearchParams((request.rawBody ?? Buffer.alloc(0)).toString('utf8'));
}

/**
 * The URL Twilio called: `PUBLIC_BASE_URL` and the path as received (behind a proxy the host
 * and protocol seen here are not the ones Twilio signed), else the request's own.
 */
export function calledUrl(request: RequestWithRawBody, publicBaseUrl: string | undefined): string {
  const base = publicBaseUrl
    ? publicBaseUrl.replace(/\/+$/, '')
    : `${request.protocol}://${request.get('host') ?? ''}`;
  return `${base}${request.originalUrl}`;
}

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
          request.headers[TWILIO_SIGNATURE_HEADER] as string | undefined,
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
