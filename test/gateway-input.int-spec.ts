import { aCreateContactRequest, aTenantId, aWhatsappIdentity, mintToken } from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

describe('gateway: bad input, authentication, health, metrics and OpenAPI', () => {
  let system: System;
  const tenant = aTenantId();
  const agent = mintToken({ tenant });

  beforeAll(async () => {
    system = await startSystem({ withFilter: true });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    http('POST', `${system.gateway.url}/v1/contacts`, { token: agent, body, headers });

  it.each([
    ['wrong types', { identities: 'whatsapp', name: 42 }, ['identities', 'name']],
    ['unknown fields', { ...aCreateContactRequest(), isAdmin: true }, ['isAdmin']],
    [
      'a bad phone number',
      aCreateContactRequest({ identities: [{ channel: 'whatsapp', address: '555-0100' }] }),
      ['identities.0.address'],
    ],
    ['a bad email', aCreateContactRequest({ email: 'not-an-email' }), ['email']],
    ['no identities', { name: 'Nobody' }, ['identities']],
    [
      'too many identities',
      {
        identities: Array.from({ length: 21 }, (_, index) => ({ channel: 'telegram', address: `u${index}` })),
      },
      ['identities'],
    ],
    ['attribute keys with a dot', aCreateContactRequest({ attributes: { 'a.b': 1 } }), ['attributes']],
  ])('answers 400 with field errors for %s', async (_case, body, fields) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: expect.stringContaining('validation-failed'), status: 400 });
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(fields),
    );
  });

  it('answers 400 malformed-json for a body that is not JSON', async () => {
    const response = await post('{"identities": [');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('malformed-json');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await post({ ...aCreateContactRequest(), name: 'x'.repeat(70_000) });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload-too-large');
  });

  it('answers 400 for an oversized Idempotency-Key', async () => {
    const response = await post(aCreateContactRequest(), { 'idempotency-key': 'k'.repeat(201) });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('answers 400 for a contact id of the wrong shape, not 500', async () => {
    const response = await http('GET', `${system.gateway.url}/v1/contacts/${encodeURIComponent('a:b|c')}`, {
      token: agent,
    });
    expect(response.status).toBe(400);
  });

  it.each([
    ['no token', undefined],
    ['an expired token', mintToken({ tenant, expiresInSeconds: -10 })],
    [
      'a token signed with another secret',
      mintToken({ tenant, secret: 'another-secret-of-enough-length-000000' }),
    ],
    ['a token for another audience', mintToken({ tenant, audience: 'someone-else' })],
    ['an unsigned (alg none) token', unsignedToken({ tenant, role: 'admin', sub: 'mallory' })],
    ['a token without a tenant', mintToken({ tenant: 'UPPER:case' })],
  ])('answers 401 for %s and changes nothing', async (_case, token) => {
    const refused = aCreateContactRequest({ identities: [aWhatsappIdentity()] });
    const response = await http('POST', `${system.gateway.url}/v1/contacts`, { token, body: refused });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
    // A valid call after it is applied; the refused one never was.
    const accepted = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: agent,
      body: aCreateContactRequest({ identities: [aWhatsappIdentity()] }),
    });
    expect(accepted.status).toBe(200);
    const listed = await http('GET', `${system.gateway.url}/v1/contacts?limit=200`, { token: agent });
    const addresses = (listed.body.items as { identities: { address: string }[] }[]).flatMap((contact) =>
      contact.identities.map((identity) => identity.address),
    );
    expect(addresses).toContain(accepted.body.identities[0].address);
    expect(addresses).not.toContain((refused.identities as { address: string }[])[0].address);
  });

  it('answers 400 for a page size over the limit', async () => {
    const response = await http('GET', `${system.gateway.url}/v1/contacts?limit=201`, { token: agent });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['limit']);
  });

  it('answers 403 when a viewer tries to change data', async () => {
    const response = await http('POST', `${system.gateway.url}/v1/contacts`, {
      token: mintToken({ tenant, role: 'viewer' }),
      body: aCreateContactRequest(),
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  it('answers 404 problem documents for unknown routes', async () => {
    const response = await http('GET', `${system.gateway.url}/v1/nothing-here`, { token: agent });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('reports liveness, readiness and Prometheus metrics on every service', async () => {
    for (const service of [system.gateway, system.contacts, system.filter!]) {
      const live = await http('GET', `${service.url}/health/live`);
      const ready = await http('GET', `${service.url}/health/ready`);
      const metrics = await fetch(`${service.url}/metrics`).then((response) => response.text());
      expect(live.status).toBe(200);
      expect(ready.status).toBe(200);
      expect(Object.values(ready.body.checks).every(Boolean)).toBe(true);
      expect(metrics).toContain('process_cpu_user_seconds_total');
    }
    const metrics = await fetch(`${system.contacts.url}/metrics`).then((response) => response.text());
    expect(metrics).toContain('switchboard_consumed_records_total');
  });
});

function unsignedToken(claims: Record<string, string>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss: 'switchboard', aud: 'switchboard-api', iat: now, exp: now + 600 })}.`;
}

describe('gateway: per-tenant rate limit', () => {
  let system: System;
  const limited = aTenantId();
  const other = aTenantId();

  beforeAll(async () => {
    system = await startSystem({
      gatewayEnvironment: { RATE_LIMIT_PER_TENANT: '5', RATE_LIMIT_WINDOW_MS: '60000' },
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers 429 with Retry-After past the limit, for that tenant only, whoever its callers are', async () => {
    const list = (token: string) => http('GET', `${system.gateway.url}/v1/contacts`, { token });
    const callers = [
      mintToken({ tenant: limited, sub: 'crm-a' }),
      mintToken({ tenant: limited, sub: 'crm-b' }),
    ];
    const statuses: number[] = [];
    for (let call = 0; call < 5; call++) {
      statuses.push((await list(callers[call % 2])).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await list(callers[0]);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate-limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await list(mintToken({ tenant: other }))).status).toBe(200);
  });
});
