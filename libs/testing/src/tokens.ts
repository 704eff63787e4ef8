import { sign, type SignOptions } from 'jsonwebtoken';
import type { Role } from '@switchboard/contracts';

export const TEST_JWT_SECRET = 'switchboard-test-secret-0123456789abcdef';
/** The gateway's key for sealing channel credentials in tests (`CHANNEL_CREDENTIALS_KEY`). */
export const TEST_CHANNEL_CREDENTIALS_KEY = '7e57'.repeat(16);

export interface TokenOptions {
  tenant: string;
  sub?: string;
  role?: Role;
  secret?: string;
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
  algorithm?: SignOptions['algorithm'];
}

/** A bearer token as the gateway expects it, with knobs to make it wrong on purpose. */
export function mintToken(options: TokenOptions): string {
  return sign({ tenant: options.tenant, role: options.role ?? 'agent' }, options.secret ?? TEST_JWT_SECRET, {
    algorithm: options.algorithm ?? 'HS256',
    subject: options.sub ?? 'agent-1',
    issuer: options.issuer ?? 'switchboard',
    audience: options.audience ?? 'switchboard-api',
    expiresIn: options.expiresInSeconds ?? 600,
  });
}
