import { randomBytes } from 'node:crypto';
import { SEALED_CREDENTIALS_PATTERN } from '@switchboard/contracts';
import { sealCredentials, unsealCredentials } from './credentials-seal';

describe('sealed channel credentials', () => {
  const key = randomBytes(32);
  const credentials = { appSecret: 'app-secret-0123456789', verifyToken: 'verify-me' };

  it('opens with the same key, tenant and platform, and shows nothing of the credentials', () => {
    const sealed = sealCredentials(key, 'acme', 'whatsapp', credentials);
    expect(sealed).toMatch(SEALED_CREDENTIALS_PATTERN);
    expect(sealed).not.toContain('app-secret');
    expect(Buffer.from(sealed.split('.')[2], 'base64url').toString()).not.toContain('app-secret');
    expect(unsealCredentials(key, 'acme', 'whatsapp', sealed)).toEqual(credentials);
  });

  it('seals the same credentials differently each time', () => {
    expect(sealCredentials(key, 'acme', 'twilio', { authToken: 'x'.repeat(32) })).not.toBe(
      sealCredentials(key, 'acme', 'twilio', { authToken: 'x'.repeat(32) }),
    );
  });

  it('opens for no other tenant, platform or key, nor after a changed byte', () => {
    const sealed = sealCredentials(key, 'acme', 'whatsapp', credentials);
    expect(unsealCredentials(key, 'globex', 'whatsapp', sealed)).toBeUndefined();
    expect(unsealCredentials(key, 'acme', 'twilio', sealed)).toBeUndefined();
    expect(unsealCredentials(randomBytes(32), 'acme', 'whatsapp', sealed)).toBeUndefined();
    const [version, iv, ciphertext, tag] = sealed.split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(
      unsealCredentials(key, 'acme', 'whatsapp', [version, iv, flipped.toString('base64url'), tag].join('.')),
    ).toBeUndefined();
    expect(unsealCredentials(key, 'acme', 'whatsapp', 'v1.not-sealed')).toBeUndefined();
  });
});
