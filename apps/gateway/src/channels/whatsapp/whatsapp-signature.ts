import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck, SignatureHeader } from '../../inbound/signature-check';
import { constantTimeEqual } from '../constant-time';

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw body with the Meta app's secret>`. */
export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/** The signature Meta sends with a webhook body. */
export function signWhatsappWebhook(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Checks a webhook's `X-Hub-Signature-256` over the exact bytes received, in constant time. */
export function verifyWhatsappSignature(
  header: SignatureHeader,
  appSecret: string,
  rawBody: Buffer,
): SignatureCheck {
  if (!header) {
    return 'missing';
  }
  if (typeof header !== 'string') {
    return 'malformed'; // sent more than once: no one signature
  }
  const presented = SIGNATURE_PATTERN.exec(header.trim())?.[1];
  if (!presented) {
    return 'malformed';
  }
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(presented, 'hex')) ? 'valid' : 'mismatch';
}

/**
 * Whether a verification request (`GET` with `hub.mode`, `hub.verify_token`, `hub.challenge`)
 * is Meta's for this tenant: mode `subscribe`, the tenant's verify token (compared in constant
 * time), and a challenge to echo.
 */
export function isWhatsappVerification(
  query: { mode: unknown; verifyToken: unknown; challenge: unknown },
  verifyToken: string,
): query is { mode: 'subscribe'; verifyToken: string; challenge: string } {
  return (
    query.mode === 'subscribe' &&
    typeof query.verifyToken === 'string' &&
    typeof query.challenge === 'string' &&
    /^[\x21-\x7e]{1,256}$/.test(query.challenge) &&
    constantTimeEqual(query.verifyToken, verifyToken)
  );
}
