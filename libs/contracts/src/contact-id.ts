import { createHash } from 'node:crypto';
import type { Identity } from './contact-fields';

/**
 * A contact id derived from its first identity: the same customer reached twice gets the
 * same id (and so the same Kafka key), whichever client or channel saw it first.
 */
export function contactIdFor(tenantId: string, identity: Identity): string {
  const digest = createHash('sha256')
    .update(`${tenantId}|${identity.channel}|${identity.address}`)
    .digest('base64url');
  return `c_${digest.slice(0, 22)}`;
}
