import { Injectable, Logger } from '@nestjs/common';
import { isPhoneNumberCountry, type PhoneNumberSettings } from '@switchboard/contracts';
import { ContactsReader } from '../contacts/contacts-reader';

/** How long a tenant's phone-number settings are used before they are read again. */
export const PHONE_NUMBER_SETTINGS_TTL_MS = 5_000;

/** Tenants whose settings one gateway holds at once; the longest unread goes first. */
export const PHONE_NUMBER_SETTINGS_TENANTS_MAX = 10_000;

interface Entry {
  /** The last settings read; absent until the first read succeeds. */
  settings?: PhoneNumberSettings;
  freshUntil: number;
  /** The read under way, which every request meanwhile waits for. */
  reading?: Promise<PhoneNumberSettings>;
}

/**
 * Each tenant's phone-number settings, read from the contacts service at most once per
 * `PHONE_NUMBER_SETTINGS_TTL_MS` (one read at a time per tenant), so requests that read phone
 * numbers stay fast and a changed setting holds everywhere within that bound (at once on the
 * gateway instance that set it, which reads it again). When a read fails, the last settings read go on being used
 * (until the next attempt, a TTL later); a tenant never read gets the read's error (503).
 */
@Injectable()
export class PhoneNumberSettingsCache {
  private readonly logger = new Logger(PhoneNumberSettingsCache.name);
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly reader: ContactsReader) {}

  async settingsOf(tenantId: string): Promise<PhoneNumberSettings> {
    const entry = this.entries.get(tenantId);
    if (entry?.reading) {
      return entry.reading;
    }
    if (entry?.settings && Date.now() < entry.freshUntil) {
      return entry.settings;
    }
    return this.read(tenantId, entry?.settings);
  }

  /**
   * The tenant's settings have just changed (the outcome of this instance's own command): the
   * next request reads them. (Not the outcome's settings: a retried command answers with its
   * first outcome, which a later change may have replaced.)
   */
  forget(tenantId: string): void {
    this.entries.delete(tenantId);
  }

  private remember(tenantId: string, settings: PhoneNumberSettings): void {
    this.entries.delete(tenantId);
    if (this.entries.size >= PHONE_NUMBER_SETTINGS_TENANTS_MAX) {
      const [oldest] = this.entries.keys();
      this.entries.delete(oldest);
    }
    this.entries.set(tenantId, {
      settings: { defaultCountry: settings.defaultCountry },
      freshUntil: Date.now() + PHONE_NUMBER_SETTINGS_TTL_MS,
    });
  }

  private read(tenantId: string, stale: PhoneNumberSettings | undefined): Promise<PhoneNumberSettings> {
    const reading: Promise<PhoneNumberSettings> = this.reader.phoneNumberSettings(tenantId).then(
      ({ defaultCountry }) => {
        // A country this version cannot read numbers of (another version set it) is none here.
        const settings = { defaultCountry: isPhoneNumberCountry(defaultCountry) ? defaultCountry : null };
        this.settle(tenantId, reading, settings);
        return settings;
      },
      (error: unknown) => {
        if (!stale) {
          this.settle(tenantId, reading, undefined);
          throw error;
        }
        this.logger.warn(
          `phone-number settings of tenant ${tenantId} not read (${(error as Error).message}); using the last ones read`,
        );
        this.settle(tenantId, reading, stale);
        return stale;
      },
    );
    this.entries.set(tenantId, { settings: stale, freshUntil: 0, reading });
    return reading;
  }

  /** Ends a read, unless the tenant was forgotten meanwhile (its settings changed). */
  private settle(
    tenantId: string,
    reading: Promise<PhoneNumberSettings>,
    settings: PhoneNumberSettings | undefined,
  ): void {
    if (this.entries.get(tenantId)?.reading !== reading) {
      return;
    }
    if (settings) {
      this.remember(tenantId, settings);
    } else {
      this.entries.delete(tenantId);
    }
  }
}
