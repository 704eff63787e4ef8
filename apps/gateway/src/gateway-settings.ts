import { Transform } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { ServiceSettings } from '@switchboard/config';

export class GatewaySettings extends ServiceSettings {
  override PORT: number = 3000;

  /** HMAC secret of bearer tokens (HS256). */
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET: string;

  /**
   * The key (256 bits, 64 hex digits) the gateway seals tenants' channel credentials with before
   * they leave it: the commands that set them and the store hold only the sealed form.
   */
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'CHANNEL_CREDENTIALS_KEY must be 64 hex digits (a 256-bit key)' })
  CHANNEL_CREDENTIALS_KEY: string;

  @IsString()
  JWT_ISSUER: string = 'switchboard';

  @IsString()
  JWT_AUDIENCE: string = 'switchboard-api';

  /** How long a mutating call waits for its command's outcome before answering 202. */
  @IsInt()
  @Min(0)
  @Max(30_000)
  COMMAND_TIMEOUT_MS: number = 3_000;

  @IsUrl({ require_tld: false, require_protocol: true })
  CONTACTS_URL: string = 'http://127.0.0.1:3001';

  /**
   * How long a read that counts or scans many contacts (a segment preview, a listing filtered
   * by tags) may take in the contacts service. A million-contact count takes seconds on MongoDB
   * and up to a minute on FerretDB 1.24 (bench:segments).
   */
  @IsInt()
  @Min(1_000)
  SCAN_TIMEOUT_MS: number = 120_000;

  /** Largest accepted request body. */
  @IsInt()
  @Min(1_024)
  BODY_LIMIT_BYTES: number = 65_536;

  /** Largest accepted body under `/v1/bulk`: a bulk call may list up to 10,000 contact ids. */
  @IsInt()
  @Min(1_024)
  BULK_BODY_LIMIT_BYTES: number = 1_048_576;

  /**
   * Largest accepted body of a channel platform's webhook (`/v1/inbound/{tenantId}/whatsapp`
   * and `/twilio`): Meta may batch several messages in one notification. Each message must
   * still fit a `messages.inbound` record (64 KiB).
   */
  @IsInt()
  @Min(1_024)
  CHANNEL_BODY_LIMIT_BYTES: number = 1_048_576;

  /**
   * Per-tenant secrets of inbound channel webhooks: `tenant=secret,tenant=secret`.
   * A tenant without one cannot post to the webhook.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? Object.fromEntries(
          value
            .split(',')
            .map((pair) => pair.trim())
            .filter(Boolean)
            .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
        )
      : value,
  )
  @IsObject()
  WEBHOOK_SECRETS: Record<string, string> = {};

  /**
   * Requests one tenant may make per `RATE_LIMIT_WINDOW_MS` to the authenticated API, per
   * gateway instance (channel webhooks are not limited: channels push, and would retry).
   */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_TENANT: number = 2_000;

  @IsInt()
  @Min(100)
  RATE_LIMIT_WINDOW_MS: number = 1_000;

  /** How old a signed webhook timestamp may be before the call counts as a replay. */
  @IsInt()
  @Min(1)
  WEBHOOK_TOLERANCE_SECONDS: number = 300;

  /**
   * The gateway's public address as channel platforms call it (`https://api.example.com`),
   * behind any proxy: Twilio signs the full URL it called. Unset, the URL is rebuilt from the
   * request's protocol, host and path.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;

  /**
   * How long a gateway instance uses a tenant's channel credentials before reading them again:
   * a changed credential holds on every instance within this bound (at once on the instance
   * that set it).
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  CHANNEL_CREDENTIALS_CACHE_MS: number = 5_000;

  /**
   * Channel message ids (tenant, channel, id) each gateway instance remembers, newest first, so
   * a webhook a platform delivers again publishes nothing new; beyond it, and across instances,
   * the consumers' idempotency by `messageId` holds.
   */
  @IsInt()
  @Min(0)
  CHANNEL_RECENT_MESSAGE_IDS: number = 100_000;

  /**
   * Conversation streams (`GET /v1/contacts/{id}/messages/stream`) one actor of a tenant may
   * hold open at once, per gateway instance; beyond it the call answers 429 `rate-limited`.
   * Each open stream costs a poll of the contacts service every second.
   */
  @IsInt()
  @Min(1)
  STREAM_MAX_PER_ACTOR: number = 5;

  /** The built agent console (`npm run build`), served at `/console/`. */
  @IsString()
  CONSOLE_DIR: string = 'dist/console';
}
