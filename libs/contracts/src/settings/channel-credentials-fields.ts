import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';

/**
 * The channel platforms whose webhooks the gateway verifies with a tenant's own credentials:
 * `whatsapp` is Meta's WhatsApp Cloud API, `twilio` a Twilio account (its SMS and WhatsApp).
 */
export const ChannelPlatforms = ['whatsapp', 'twilio'] as const;
export type ChannelPlatform = (typeof ChannelPlatforms)[number];

/**
 * A credential: 8-256 visible ASCII characters. (Meta's app secrets and Twilio's auth tokens
 * are 32 hex digits; the rule leaves room for other formats without accepting whitespace.)
 */
const CREDENTIAL_PATTERN = /^[\x21-\x7e]{8,256}$/;
/** Meta's verify token is chosen by the tenant and sent back in a query string: 1-256 visible ASCII. */
const VERIFY_TOKEN_PATTERN = /^[\x21-\x7e]{1,256}$/;

// Messages name the rule, never the value: credentials appear in no error, log or event.
const credential = (name: string) =>
  Matches(CREDENTIAL_PATTERN, { message: `${name} must be 8-256 visible ASCII characters` });

/** What the gateway needs to verify the WhatsApp Cloud API's webhooks for a tenant. */
export class WhatsappCredentials {
  /** The Meta app's secret: it signs every webhook POST (`X-Hub-Signature-256`). */
  @ApiProperty({ writeOnly: true, format: 'password', minLength: 8, maxLength: 256 })
  @IsString()
  @credential('appSecret')
  appSecret: string;

  /** The token the tenant typed into the app's webhook settings; Meta sends it back to verify the URL. */
  @ApiProperty({ writeOnly: true, format: 'password', minLength: 1, maxLength: 256 })
  @IsString()
  @Matches(VERIFY_TOKEN_PATTERN, { message: 'verifyToken must be 1-256 visible ASCII characters' })
  verifyToken: string;
}

/** What the gateway needs to verify Twilio's webhooks for a tenant. */
export class TwilioCredentials {
  /** The Twilio account's (primary) auth token: it signs every webhook (`X-Twilio-Signature`). */
  @ApiProperty({ writeOnly: true, format: 'password', minLength: 8, maxLength: 256 })
  @IsString()
  @credential('authToken')
  authToken: string;
}

/**
 * Whether a tenant has set a platform's credentials, when and by whom. Never the credentials:
 * this is what the API answers and what `ChannelCredentialsChanged` events carry.
 */
export class ChannelCredentialsView {
  @IsIn(ChannelPlatforms)
  platform: ChannelPlatform;

  @IsBoolean()
  configured: boolean;

  /** When they were last set; absent while they never were. */
  @IsOptional()
  @IsISO8601()
  updatedAt?: string;

  /** Who last set them. */
  @IsOptional()
  @IsString()
  updatedBy?: string;
}

/**
 * A platform's credentials sealed by the gateway (AES-256-GCM with `CHANNEL_CREDENTIALS_KEY`,
 * bound to the tenant and the platform): `v1.<iv>.<ciphertext>.<tag>`, base64url. The commands
 * that set credentials, their DLQ and the store hold only this; the gateway alone reads it.
 */
export const SEALED_CREDENTIALS_PATTERN = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{22}$/;

export class SealedCredentials {
  @Matches(SEALED_CREDENTIALS_PATTERN, { message: 'sealed must be credentials sealed by the gateway' })
  sealed: string;
}

/**
 * A tenant's sealed channel credentials as the contacts service hands them to the gateway on its
 * internal API (and to nobody else): a platform is absent until the tenant sets it.
 */
export type SealedChannelCredentials = Partial<Record<ChannelPlatform, SealedCredentials>>;
