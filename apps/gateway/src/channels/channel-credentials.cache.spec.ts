import { randomBytes } from 'node:crypto';
import type { SealedChannelCredentials } from '@switchboard/contracts';
import { aTenantId } from '@switchboard/testing';
import type { ContactsReader } from '../contacts/contacts-reader';
import { GatewaySettings } from '../gateway-settings';
import { ChannelCredentialsCache, type ChannelSecrets } from './channel-credentials.cache';
import { sealCredentials } from './credentials-seal';

const KEY = randomBytes(32);

/**
 * A cache over a contacts reader that counts its reads and answers `answer()` (or fails), sealed
 * as the gateway sealed it for `sealedFor` (the tenant read, unless said otherwise).
 */
function aCache(answer: () => Promise<ChannelSecrets>, cacheMs = 5_000, sealedFor?: string) {
  const reads: string[] = [];
  const reader = {
    sealedChannelCredentials: async (tenantId: string): Promise<SealedChannelCredentials> => {
      reads.push(tenantId);
      const plain = await answer();
      const seal = (platform: 'whatsapp' | 'twilio', credentials: object) => ({
        sealed: sealCredentials(KEY, sealedFor ?? tenantId, platform, credentials),
      });
      return {
        ...(plain.whatsapp && { whatsapp: seal('whatsapp', plain.whatsapp) }),
        ...(plain.twilio && { twilio: seal('twilio', plain.twilio) }),
      };
    },
  } as unknown as ContactsReader;
  const settings = Object.assign(new GatewaySettings(), {
    CHANNEL_CREDENTIALS_CACHE_MS: cacheMs,
    CHANNEL_CREDENTIALS_KEY: KEY.toString('hex'),
  });
  return { cache: new ChannelCredentialsCache(reader, settings), reads };
}

describe('the channel credentials cache', () => {
  const secrets: ChannelSecrets = { twilio: { authToken: 'token-0123456789' } };

  it('reads a tenant once within the bound, and again after it', async () => {
    const { cache, reads } = aCache(() => Promise.resolve(secrets));
    const tenantId = aTenantId();
    expect(await cache.secretsOf(tenantId, 1_000)).toEqual(secrets);
    expect(await cache.secretsOf(tenantId, 5_999)).toEqual(secrets);
    expect(reads).toHaveLength(1);
    await cache.secretsOf(tenantId, 6_000);
    expect(reads).toHaveLength(2);
  });

  it("finds no credentials where the seal is another tenant's", async () => {
    const { cache } = aCache(() => Promise.resolve(secrets), 5_000, 'another-tenant');
    expect(await cache.secretsOf(aTenantId())).toEqual({});
  });

  it('shares one read among concurrent webhooks of a tenant', async () => {
    const { cache, reads } = aCache(() => Promise.resolve(secrets));
    const tenantId = aTenantId();
    await Promise.all([cache.secretsOf(tenantId), cache.secretsOf(tenantId), cache.secretsOf(tenantId)]);
    expect(reads).toHaveLength(1);
  });

  it('keeps no failed read: the next webhook reads again', async () => {
    let fail = true;
    const { cache, reads } = aCache(() =>
      fail ? Promise.reject(new Error('down')) : Promise.resolve(secrets),
    );
    const tenantId = aTenantId();
    await expect(cache.secretsOf(tenantId)).rejects.toThrow('down');
    fail = false;
    expect(await cache.secretsOf(tenantId)).toEqual(secrets);
    expect(reads).toHaveLength(2);
  });

  it('reads again at once after forgetting a tenant', async () => {
    const { cache, reads } = aCache(() => Promise.resolve(secrets));
    const tenantId = aTenantId();
    await cache.secretsOf(tenantId);
    cache.forget(tenantId);
    await cache.secretsOf(tenantId);
    expect(reads).toHaveLength(2);
  });

  it('asks nothing for a path segment that is no tenant id', async () => {
    const { cache, reads } = aCache(() => Promise.resolve(secrets));
    expect(await cache.secretsOf('constructor:x')).toEqual({});
    expect(await cache.secretsOf('UPPER')).toEqual({});
    expect(reads).toEqual([]);
  });
});
