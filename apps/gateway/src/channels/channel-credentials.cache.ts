import { Injectable } from '@nestjs/common';
import {
  TENANT_ID_PATTERN,
  type SealedChannelCredentials,
  type TwilioCredentials,
  type WhatsappCredentials,
} from '@switchboard/contracts';
import { ContactsReader } from '../contacts/contacts-reader';
import { GatewaySettings } from '../gateway-settings';
import { credentialsKeyOf, unsealCredentials } from './credentials-seal';

/** A tenant's channel credentials, unsealed: a platform is absent until they are set. */
export interface ChannelSecrets {
  whatsapp?: WhatsappCredentials;
  twilio?: TwilioCredentials;
}

/** Tenants whose credentials one instance holds at once; the least recently read go first. */
const TENANTS_MAX = 10_000;

interface CachedSecrets {
  secrets: Promise<ChannelSecrets>;
  expiresAt: number;
}

/**
 * Each tenant's channel credentials, read from the contacts service at most once per
 * `CHANNEL_CREDENTIALS_CACHE_MS` per instance, so a webhook costs no call in the common case
 * and a changed credential holds everywhere within that bound. Concurrent webhooks of a tenant
 * share one read; a failed read is not kept (the next webhook tries again, the platform retries).
 */
@Injectable()
export class ChannelCredentialsCache {
  private readonly tenants = new Map<string, CachedSecrets>();
  private readonly key: Buffer;

  constructor(
    private readonly reader: ContactsReader,
    private readonly settings: GatewaySettings,
  ) {
    this.key = credentialsKeyOf(settings);
  }

  /** A tenant's credentials; none for a path segment that is no tenant id (nothing is asked). */
  secretsOf(tenantId: string, now = Date.now()): Promise<ChannelSecrets> {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      return Promise.resolve({});
    }
    const cached = this.tenants.get(tenantId);
    this.tenants.delete(tenantId); // re-inserted below: the Map's order is the reading order
    if (cached && cached.expiresAt > now) {
      this.tenants.set(tenantId, cached);
      return cached.secrets;
    }
    const secrets = this.reader
      .sealedChannelCredentials(tenantId)
      .then((sealed) => this.unsealed(tenantId, sealed));
    const entry = { secrets, expiresAt: now + this.settings.CHANNEL_CREDENTIALS_CACHE_MS };
    this.tenants.set(tenantId, entry);
    if (this.tenants.size > TENANTS_MAX) {
      this.tenants.delete(this.tenants.keys().next().value as string);
    }
    secrets.catch(() => {
      if (this.tenants.get(tenantId) === entry) {
        this.tenants.delete(tenantId);
      }
    });
    return secrets;
  }

  private unsealed(tenantId: string, { whatsapp, twilio }: SealedChannelCredentials): ChannelSecrets {
    // A seal this key does not open counts as none: the platform's webhooks are refused.
    const whatsappSecrets =
      whatsapp && unsealCredentials<WhatsappCredentials>(this.key, tenantId, 'whatsapp', whatsapp.sealed);
    const twilioSecrets =
      twilio && unsealCredentials<TwilioCredentials>(this.key, tenantId, 'twilio', twilio.sealed);
    return {
      ...(whatsappSecrets && { whatsapp: whatsappSecrets }),
      ...(twilioSecrets && { twilio: twilioSecrets }),
    };
  }

  /** Drops what this instance holds for a tenant (its admin just changed a credential here). */
  forget(tenantId: string): void {
    this.tenants.delete(tenantId);
  }
}
