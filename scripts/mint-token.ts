/**
 * Mints a local bearer token for the gateway.
 *   npm run token -- --tenant acme --sub agent-7 --role agent [--ttl 3600]
 * Signs with JWT_SECRET (the same default as scripts/local.env).
 */
import { parseArgs } from 'node:util';
import { sign } from 'jsonwebtoken';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', default: 'acme' },
    sub: { type: 'string', default: 'agent-1' },
    role: { type: 'string', default: 'agent' },
    ttl: { type: 'string', default: '3600' },
  },
});

const secret = process.env.JWT_SECRET ?? 'switchboard-local-development-secret-please-change';
const token = sign({ tenant: values.tenant, role: values.role }, secret, {
  algorithm: 'HS256',
  subject: values.sub,
  issuer: process.env.JWT_ISSUER ?? 'switchboard',
  audience: process.env.JWT_AUDIENCE ?? 'switchboard-api',
  expiresIn: Number(values.ttl),
});
console.log(token);
