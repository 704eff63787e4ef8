import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiError } from '../../problems/api-error';
import type { RequestWithRawBody } from '../../problems/json-body-parser';
import { ChannelCredentialsCache } from '../channel-credentials.cache';
import { verifyWhatsappSignature, WHATSAPP_SIGNATURE_HEADER } from './whatsapp-signature';

/** Lets a WhatsApp Cloud API webhook through only when its tenant's app secret signed the body. */
@Injectable()
export class WhatsappSignatureGuard implements CanActivate {
  constructor(private readonly credentials: ChannelCredentialsCache) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithRawBody>();
    // Meta signs the JSON it posts: any other body has no signature of ours to check.
    if (!request.is('application/json')) {
      throw new ApiError(
        'unsupported-media-type',
        `a WhatsApp webhook body must be application/json, not ${request.headers['content-type'] ?? 'missing'}`,
      );
    }
    const { whatsapp } = await this.credentials.secretsOf(String(request.params.tenantId));
    const check = whatsapp
      ? verifyWhatsappSignature(
          request.headers[WHATSAPP_SIGNATURE_HEADER],
          whatsapp.appSecret,
          request.rawBody ?? Buffer.alloc(0),
        )
      : 'mismatch'; // an unknown tenant, or one without WhatsApp credentials, looks like a wrong signature
    if (check !== 'valid') {
      throw new ApiError('unauthenticated', `WhatsApp webhook signature ${check}`);
    }
    return true;
  }
}
