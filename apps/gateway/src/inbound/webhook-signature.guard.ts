import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GatewaySettings } from '../gateway-settings';
import { ApiError } from '../problems/api-error';
import type { RequestWithRawBody } from '../problems/json-body-parser';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './webhook-signature';

/** A webhook call whose signature was verified: by the secret of `signedTenantId`. */
export type SignedWebhookRequest = RequestWithRawBody & { signedTenantId?: string };

/** Lets a webhook call through only with a valid, fresh signature by its tenant's secret. */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  constructor(private readonly settings: GatewaySettings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedWebhookRequest>();
    // The signature is of the JSON body as sent: another body (a form) has none to check.
    if (!request.is('application/json')) {
      throw new ApiError(
        'unsupported-media-type',
        `a webhook body must be application/json, not ${request.headers['content-type'] ?? 'missing'}`,
      );
    }
    const tenantId = String(request.params.tenantId);
    // own properties only: `constructor` or `__proto__` in the path is no tenant
    const secret = Object.hasOwn(this.settings.WEBHOOK_SECRETS, tenantId)
      ? this.settings.WEBHOOK_SECRETS[tenantId]
      : undefined;
    const check =
      typeof secret === 'string'
        ? verifyWebhookSignature(
            request.headers[SIGNATURE_HEADER],
            secret,
            request.rawBody ?? Buffer.alloc(0),
            Math.floor(Date.now() / 1000),
            this.settings.WEBHOOK_TOLERANCE_SECONDS,
          )
        : 'mismatch'; // an unknown tenant looks like a wrong signature: nothing leaks
    if (check !== 'valid') {
      throw new ApiError('unauthenticated', `webhook signature ${check}`);
    }
    request.signedTenantId = tenantId;
    return true;
  }
}
