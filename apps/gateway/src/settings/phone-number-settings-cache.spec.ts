import type { PhoneNumberSettingsView } from '@switchboard/contracts';
import { aTenantId } from '@switchboard/testing';
import type { ContactsReader } from '../contacts/contacts-reader';
import { ApiError } from '../problems/api-error';
import {
  PHONE_NUMBER_SETTINGS_TENANTS_MAX,
  PHONE_NUMBER_SETTINGS_TTL_MS,
  PhoneNumberSettingsCache,
} from './phone-number-settings-cache';

/** A contacts reader that answers with `stored` (or fails while `failing`), counting its reads. */
function aCache() {
  const state = {
    stored: { defaultCountry: null } as PhoneNumberSettingsView,
    failing: false,
    reads: 0,
    release: undefined as (() => void) | undefined,
    holdReads: false,
  };
  const reader = {
    phoneNumberSettings: async () => {
      state.reads += 1;
      const answer = { ...state.stored }; // what is stored when it is asked
      if (state.holdReads) {
        await new Promise<void>((resolve) => (state.release = resolve));
      }
      if (state.failing) {
        throw new ApiError('dependency-unavailable', 'the contacts service did not answer');
      }
      return answer;
    },
  } as unknown as ContactsReader;
  return { cache: new PhoneNumberSettingsCache(reader), state };
}

describe('the phone-number settings cache', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-01T09:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('reads a tenant once per TTL, so a changed setting holds within it', async () => {
    const { cache, state } = aCache();
    const tenant = aTenantId();
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: null });
    state.stored = { defaultCountry: 'US' };
    jest.advanceTimersByTime(PHONE_NUMBER_SETTINGS_TTL_MS - 1);
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: null });
    expect(state.reads).toBe(1);
    jest.advanceTimersByTime(1);
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: 'US' });
    expect(state.reads).toBe(2);
  });

  it('keeps tenants apart', async () => {
    const { cache, state } = aCache();
    const [one, other] = [aTenantId(), aTenantId()];
    state.stored = { defaultCountry: 'GB' };
    await cache.settingsOf(one);
    state.stored = { defaultCountry: 'US' };
    expect(await cache.settingsOf(other)).toEqual({ defaultCountry: 'US' });
    expect(await cache.settingsOf(one)).toEqual({ defaultCountry: 'GB' });
  });

  it('reads once for many requests at the same time', async () => {
    const { cache, state } = aCache();
    state.holdReads = true;
    const tenant = aTenantId();
    const waiting = Promise.all([
      cache.settingsOf(tenant),
      cache.settingsOf(tenant),
      cache.settingsOf(tenant),
    ]);
    await Promise.resolve();
    state.release?.();
    expect(await waiting).toEqual([
      { defaultCountry: null },
      { defaultCountry: null },
      { defaultCountry: null },
    ]);
    expect(state.reads).toBe(1);
  });

  it('reads a tenant whose settings this instance changed again at once, whatever a read under way finds', async () => {
    const { cache, state } = aCache();
    const tenant = aTenantId();
    await cache.settingsOf(tenant);
    state.holdReads = true;
    jest.advanceTimersByTime(PHONE_NUMBER_SETTINGS_TTL_MS);
    const reading = cache.settingsOf(tenant);
    await Promise.resolve();
    state.stored = { defaultCountry: 'US' };
    cache.forget(tenant);
    const release = state.release;
    state.holdReads = false;
    release?.();
    expect(await reading).toEqual({ defaultCountry: null }); // asked before the change: not kept
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: 'US' });
    expect(state.reads).toBe(3);
  });

  it('goes on with the last settings read while the contacts service does not answer', async () => {
    const { cache, state } = aCache();
    const tenant = aTenantId();
    state.stored = { defaultCountry: 'US' };
    await cache.settingsOf(tenant);
    state.failing = true;
    jest.advanceTimersByTime(PHONE_NUMBER_SETTINGS_TTL_MS);
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: 'US' });
    // and tries again a TTL later, not on every request
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: 'US' });
    expect(state.reads).toBe(2);
    state.failing = false;
    state.stored = { defaultCountry: null };
    jest.advanceTimersByTime(PHONE_NUMBER_SETTINGS_TTL_MS);
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: null });
  });

  it('fails a tenant it never read while the contacts service does not answer, and reads it next time', async () => {
    const { cache, state } = aCache();
    const tenant = aTenantId();
    state.failing = true;
    await expect(cache.settingsOf(tenant)).rejects.toMatchObject({ code: 'dependency-unavailable' });
    state.failing = false;
    expect(await cache.settingsOf(tenant)).toEqual({ defaultCountry: null });
    expect(state.reads).toBe(2);
  });

  it('treats a country this version does not know as none', async () => {
    const { cache, state } = aCache();
    state.stored = { defaultCountry: 'QQ' } as unknown as PhoneNumberSettingsView;
    expect(await cache.settingsOf(aTenantId())).toEqual({ defaultCountry: null });
  });

  it('holds a bounded number of tenants, forgetting the longest unread first', async () => {
    const { cache, state } = aCache();
    const first = aTenantId();
    await cache.settingsOf(first);
    for (let index = 1; index < PHONE_NUMBER_SETTINGS_TENANTS_MAX; index += 1) {
      await cache.settingsOf(`tenant-${index}`);
    }
    await cache.settingsOf(first);
    expect(state.reads).toBe(PHONE_NUMBER_SETTINGS_TENANTS_MAX);
    await cache.settingsOf('one-more');
    await cache.settingsOf(first); // read again
    expect(state.reads).toBe(PHONE_NUMBER_SETTINGS_TENANTS_MAX + 2);
  });
});
