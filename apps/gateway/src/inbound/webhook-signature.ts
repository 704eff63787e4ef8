import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck, SignatureHeader } from './signature-check';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';

export function signWebhook(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/**
 * Verifies a webhook signature in constant time, refusing timestamps outside the tolerance
 * window in either direction (a replayed or pre-dated call).
 */
export function verifyWebhookSignature(
  header: SignatureHeader,
  secret: string,
  rawBody: Buffer,
  nowSeconds: number,
  toleranceSeconds: number,
): SignatureCheck {
  if (!header) {
    return 'missing';
  }
  if (typeof header !== 'string') {
    return 'malformed'; // sent more than once: no one signature
  }
  const parts = Object.fromEntries(
    header.split(',').map((part) => part.trim().split('=', 2) as [string, string]),
  );
  const timestamp = Number(parts.t);
  if (!Number.isSafeInteger(timestamp) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) {
    return 'malformed';
  }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return 'expired';
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody).split('v1=')[1], 'hex');
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex')) ? 'valid' : 'mismatch';
}
