import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ChannelPlatform } from '@switchboard/contracts';
import type { GatewaySettings } from '../gateway-settings';

/**
 * Seals a platform's credentials with the gateway's key (AES-256-GCM), bound to the tenant and
 * the platform: `v1.<iv>.<ciphertext>.<tag>` (base64url). What leaves the gateway (the command,
 * its DLQ, the store) is only this.
 */
export function sealCredentials(
  key: Buffer,
  tenantId: string,
  platform: ChannelPlatform,
  credentials: object,
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(boundTo(tenantId, platform));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return ['v1', iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/**
 * The credentials sealed for this tenant and platform with this key; undefined for anything else
 * (another key, another tenant's or platform's seal copied in, a changed byte): no credentials,
 * so the webhook is refused as for a tenant that never set them.
 */
export function unsealCredentials<T extends object>(
  key: Buffer,
  tenantId: string,
  platform: ChannelPlatform,
  sealed: string,
): T | undefined {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !ciphertext || !tag) {
    return undefined;
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      .setAAD(boundTo(tenantId, platform))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The sealing key `CHANNEL_CREDENTIALS_KEY` names (64 hex digits, checked at start-up). */
export function credentialsKeyOf(settings: Pick<GatewaySettings, 'CHANNEL_CREDENTIALS_KEY'>): Buffer {
  return Buffer.from(settings.CHANNEL_CREDENTIALS_KEY, 'hex');
}

function boundTo(tenantId: string, platform: ChannelPlatform): Buffer {
  return Buffer.from(`switchboard channel credentials\n${tenantId}\n${platform}`);
}
