import type { Producer } from 'kafkajs';
import {
  type BlockedMessage,
  type ContactEvent,
  type Identity,
  type InboundMessage,
  type JobView,
} from '@switchboard/contracts';
import {
  aContactCommand,
  aTenantId,
  aWhatsappIdentity,
  anInboundMessage,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

/**
 * Temporary blocks as the message filter enforces them on its own, bulk block and unblock jobs,
 * and the tenant's block policy. The contacts service's expiry sweep runs only at start here
 * (`BLOCK_EXPIRY_SWEEP_MS` of an hour), so whatever lets a message through at a block's end is
 * the filter alone; block-expiry.int-spec.ts covers the automatic unblock.
 */
describe('temporary blocks, bulk blocking and the block policy', () => {
  let system: System;
  let probe: TopicProbe;
  let producer: Producer;

  beforeAll(async () => {
    system = await startSystem({
      withFilter: true,
      contactsEnvironment: { BLOCK_EXPIRY_SWEEP_MS: '3600000' },
    });
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [
      system.topics.messagesAccepted,
      system.topics.messagesBlocked,
      system.topics.contactEvents,
    ]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await producer?.disconnect();
    await system?.stop();
  });

  const url = (path: string) => `${system.gateway.url}${path}`;

  async function createContact(token: string, identity: Identity = aWhatsappIdentity()) {
    const created = await http('POST', url('/v1/contacts'), { token, body: { identities: [identity] } });
    expect(created.status).toBe(200);
    return { contactId: created.body.contactId as string, identity };
  }

  /** Sends a message from the identity straight to `messages.inbound`; its id. */
  async function send(tenantId: string, identity: Identity): Promise<string> {
    const message = anInboundMessage({ tenantId, channel: identity.channel, from: identity.address });
    await producer.send({
      topic: system.topics.messagesInbound,
      messages: [
        { key: `${tenantId}|${identity.channel}|${identity.address}`, value: JSON.stringify(message) },
      ],
    });
    return message.messageId;
  }

  const accepted = (messageId: string) =>
    probe.json<InboundMessage>(system.topics.messagesAccepted, (message) => message.messageId === messageId);
  const dropped = (messageId: string) =>
    probe.json<BlockedMessage>(
      system.topics.messagesBlocked,
      (blocked) => blocked.message.messageId === messageId,
    );
  const eventsOf = (contactId: string, type: ContactEvent['type']) =>
    probe.json<ContactEvent>(
      system.topics.contactEvents,
      (event) => event.contactId === contactId && event.type === type,
    );

  async function details(token: string, contactId: string) {
    const found = await http('GET', url(`/v1/contacts/${contactId}`), { token });
    expect(found.status).toBe(200);
    return found.body as { block: Record<string, unknown> };
  }

  async function activity(token: string, contactId: string) {
    const found = await http('GET', url(`/v1/contacts/${contactId}/activity`), { token });
    expect(found.status).toBe(200);
    return found.body.items as { type: string; actor: { id: string }; details: Record<string, unknown> }[];
  }

  describe('a temporary block', () => {
    const tenant = aTenantId();
    const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });

    it('drops messages until its end and lets them through from then on, without any unblock', async () => {
      const { contactId, identity } = await createContact(agent);
      const until = new Date(Date.now() + 4_000).toISOString();

      const blocked = await http('POST', url(`/v1/contacts/${contactId}/block`), {
        token: agent,
        body: { reason: 'cooling off', until },
      });
      expect(blocked.status).toBe(200);
      expect(blocked.body.block).toMatchObject({ blocked: true, reason: 'cooling off', until });
      expect((await details(agent, contactId)).block).toMatchObject({ blocked: true, until });
      expect(eventsOf(contactId, 'ContactBlocked')[0].payload).toMatchObject({
        contact: { block: { blocked: true, until } },
      });

      const before = await send(tenant, identity);
      await expectEventually(() => expect(dropped(before)).toHaveLength(1));
      expect(dropped(before)[0].block).toMatchObject({ contactId, reason: 'cooling off', until });

      // Polls the clock, not a fixed sleep: the block has ended once this passes.
      await expectEventually(() => expect(Date.now()).toBeGreaterThan(Date.parse(until)), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      const after = await send(tenant, identity);
      await expectEventually(() => expect(accepted(after)).toHaveLength(1));
      expect(dropped(after)).toHaveLength(0);
      // Nobody unblocked it: the contact is still recorded blocked, only the filter let it through.
      expect(eventsOf(contactId, 'ContactUnblocked')).toHaveLength(0);
      expect((await details(agent, contactId)).block).toMatchObject({ blocked: true, until });
    });

    it('takes a duration in seconds, and a re-block with another expiry replaces the block', async () => {
      const { contactId, identity } = await createContact(agent);
      const startedAt = Date.now();
      const temporary = await http('POST', url(`/v1/contacts/${contactId}/block`), {
        token: agent,
        body: { durationSeconds: 3600 },
      });
      expect(temporary.status).toBe(200);
      const until = Date.parse(temporary.body.block.until);
      expect(until).toBeGreaterThanOrEqual(startedAt + 3_600_000 - 1_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);

      const again = await http('POST', url(`/v1/contacts/${contactId}/block`), {
        token: agent,
        body: { until: temporary.body.block.until },
      });
      expect(again.status).toBe(200);
      expect(
        eventsOf(contactId, 'ContactBlocked').filter(
          (event) => 'changed' in event.payload && event.payload.changed,
        ),
      ).toHaveLength(1);

      const forGood = await http('POST', url(`/v1/contacts/${contactId}/block`), {
        token: agent,
        body: { reason: 'for good now' },
      });
      expect(forGood.status).toBe(200);
      expect(forGood.body.block).toMatchObject({ blocked: true, reason: 'for good now' });
      expect(forGood.body.block.until).toBeUndefined();
      const message = await send(tenant, identity);
      await expectEventually(() => expect(dropped(message)).toHaveLength(1));
      expect(dropped(message)[0].block.until).toBeUndefined();
    });

    it.each([
      ['both a duration and an end', { durationSeconds: 120, until: 'future' }, ['durationSeconds', 'until']],
      ['an end in the past', { until: new Date(Date.now() - 60_000).toISOString() }, ['until']],
      [
        'an end more than 366 days ahead',
        { until: new Date(Date.now() + 367 * 86_400_000).toISOString() },
        ['until'],
      ],
      ['an end without a zone', { until: '2031-01-01T00:00:00' }, ['until']],
      ['a duration under a minute', { durationSeconds: 59 }, ['durationSeconds']],
      ['a duration over 366 days', { durationSeconds: 366 * 86_400 + 1 }, ['durationSeconds']],
      ['a fractional duration', { durationSeconds: 90.5 }, ['durationSeconds']],
    ])(
      'refuses %s with field errors, and changes nothing',
      async (_case, body: Record<string, unknown>, fields) => {
        const { contactId } = await createContact(agent);
        const request =
          body.until === 'future' ? { ...body, until: new Date(Date.now() + 600_000).toISOString() } : body;

        const refused = await http('POST', url(`/v1/contacts/${contactId}/block`), {
          token: agent,
          body: request,
        });
        expect(refused.status).toBe(400);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body.code).toBe('validation-failed');
        expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(fields);
        expect((await details(agent, contactId)).block).toEqual({ blocked: false });
      },
    );

    it('refuses a block command from another service whose end has passed when it is applied', async () => {
      const { contactId } = await createContact(agent);
      const command = aContactCommand({
        tenantId: tenant,
        contactId,
        type: 'contact.block',
        payload: { until: new Date(Date.now() - 1_000).toISOString() },
      }) as { commandId: string };
      await producer.send({
        topic: system.topics.contactCommands,
        messages: [{ key: `${tenant}:${contactId}`, value: JSON.stringify(command) }],
      });
      await expectEventually(() =>
        expect(
          probe.json<ContactEvent>(
            system.topics.contactEvents,
            (event) => event.commandId === command.commandId,
          ),
        ).toEqual([
          expect.objectContaining({
            type: 'CommandRejected',
            payload: expect.objectContaining({ code: 'validation-failed' }),
          }),
        ]),
      );
      expect((await details(agent, contactId)).block).toEqual({ blocked: false });
    });
  });

  describe('bulk blocking', () => {
    const tenant = aTenantId();
    const agent = mintToken({ tenant, sub: 'agent-9', role: 'agent' });

    async function job(jobId: string): Promise<JobView> {
      return expectEventually(
        async () => {
          const found = await http('GET', url(`/v1/jobs/${jobId}`), { token: agent });
          expect(found.status).toBe(200);
          expect(found.body.status).toBe('completed');
          return found.body as JobView;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    }

    it('blocks listed contacts in a job, each recorded in its activity, and the filter drops their messages', async () => {
      const contacts = await Promise.all([1, 2, 3].map(() => createContact(agent)));
      const alreadyBlocked = contacts[2];
      expect(
        (
          await http('POST', url(`/v1/contacts/${alreadyBlocked.contactId}/block`), {
            token: agent,
            body: { reason: 'earlier' },
          })
        ).status,
      ).toBe(200);

      const started = await http('POST', url('/v1/bulk/block'), {
        token: agent,
        body: {
          action: 'block',
          reason: 'spam wave',
          contactIds: contacts.map(({ contactId }) => contactId),
        },
      });
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe(`/v1/jobs/${started.body.jobId}`);
      expect(started.body).toMatchObject({ kind: 'bulk-block', total: 3, requestedBy: 'agent-9' });
      expect(await job(started.body.jobId)).toMatchObject({ processed: 3, changed: 2, skipped: 0 });

      for (const { contactId, identity } of contacts.slice(0, 2)) {
        expect((await details(agent, contactId)).block).toMatchObject({
          blocked: true,
          blockedBy: 'agent-9',
          reason: 'spam wave',
        });
        await expectEventually(async () =>
          expect(await activity(agent, contactId)).toContainEqual(
            expect.objectContaining({
              type: 'ContactBlocked',
              actor: expect.objectContaining({ id: 'agent-9' }),
              details: { reason: 'spam wave' },
            }),
          ),
        );
        const message = await send(tenant, identity);
        await expectEventually(() => expect(dropped(message)).toHaveLength(1));
        expect(accepted(message)).toHaveLength(0);
      }
      // The contact blocked before keeps its own block.
      expect((await details(agent, alreadyBlocked.contactId)).block).toMatchObject({ reason: 'earlier' });
    });

    it('blocks a segment for a while, then unblocks it by segment, and messages flow again', async () => {
      const tag = `wave-${Date.now()}`;
      const members = await Promise.all([1, 2].map(() => createContact(agent)));
      const outsider = await createContact(agent);
      for (const { contactId } of members) {
        expect(
          (await http('POST', url(`/v1/contacts/${contactId}/tags`), { token: agent, body: { tags: [tag] } }))
            .status,
        ).toBe(200);
      }

      const blocking = await http('POST', url('/v1/bulk/block'), {
        token: agent,
        body: { action: 'block', durationSeconds: 600, segment: { all: [tag] } },
      });
      expect(blocking.status).toBe(202);
      expect(await job(blocking.body.jobId)).toMatchObject({ kind: 'bulk-block', processed: 2, changed: 2 });
      const untils = await Promise.all(
        members.map(async ({ contactId }) => (await details(agent, contactId)).block.until),
      );
      expect(untils[0]).toEqual(expect.any(String));
      expect(untils[1]).toBe(untils[0]); // one expiry for the whole job
      expect((await details(agent, outsider.contactId)).block).toEqual({ blocked: false });
      const whileBlocked = await send(tenant, members[0].identity);
      await expectEventually(() => expect(dropped(whileBlocked)).toHaveLength(1));
      expect(dropped(whileBlocked)[0].block.until).toBe(untils[0]);

      const unblocking = await http('POST', url('/v1/bulk/block'), {
        token: agent,
        body: { action: 'unblock', reason: 'wave over', segment: { all: [tag] } },
      });
      expect(unblocking.status).toBe(202);
      expect(await job(unblocking.body.jobId)).toMatchObject({
        kind: 'bulk-unblock',
        processed: 2,
        changed: 2,
      });
      for (const { contactId, identity } of members) {
        expect((await details(agent, contactId)).block).toEqual({ blocked: false });
        await expectEventually(async () =>
          expect(await activity(agent, contactId)).toContainEqual(
            expect.objectContaining({
              type: 'ContactUnblocked',
              actor: expect.objectContaining({ id: 'agent-9' }),
              details: { reason: 'wave over' },
            }),
          ),
        );
        expect(await activity(agent, contactId)).toContainEqual(
          expect.objectContaining({ type: 'ContactBlocked', details: { until: untils[0] } }),
        );
        await expectEventually(async () => {
          const message = await send(tenant, identity);
          await expectEventually(() => expect(accepted(message).length + dropped(message).length).toBe(1));
          expect(accepted(message)).toHaveLength(1);
        });
      }
    });

    it.each([
      ['no target', { action: 'block' }, ['contactIds']],
      [
        'two targets',
        { action: 'block', contactIds: ['c_a'], segmentId: 's_a' },
        ['contactIds', 'segmentId'],
      ],
      [
        'an expiry on an unblock',
        { action: 'unblock', durationSeconds: 600, contactIds: ['c_a'] },
        ['durationSeconds'],
      ],
      [
        'an end on an unblock',
        { action: 'unblock', until: new Date(Date.now() + 600_000).toISOString(), contactIds: ['c_a'] },
        ['until'],
      ],
      [
        'an end in the past',
        { action: 'block', until: '2020-01-01T00:00:00Z', contactIds: ['c_a'] },
        ['until'],
      ],
      ['an unknown action', { action: 'mute', contactIds: ['c_a'] }, ['action']],
    ])('refuses %s with field errors', async (_case, body: Record<string, unknown>, fields) => {
      const refused = await http('POST', url('/v1/bulk/block'), { token: agent, body });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(fields);
    });
  });

  describe('the block policy', () => {
    const tenant = aTenantId();
    const admin = mintToken({ tenant, sub: 'admin-1', role: 'admin' });
    const agent = mintToken({ tenant, sub: 'agent-3', role: 'agent' });
    const viewer = mintToken({ tenant, sub: 'viewer-1', role: 'viewer' });

    async function setPolicy(policy: object) {
      const set = await http('PUT', url('/v1/settings/block-policy'), { token: admin, body: policy });
      expect(set.status).toBe(200);
      return set.body;
    }

    afterEach(async () => {
      await setPolicy({ whoMayBlock: 'agents', reasonRequired: false });
    });

    it('is today’s behaviour until an admin sets one, and only admins read or set it', async () => {
      const other = mintToken({ tenant: aTenantId(), sub: 'admin-9', role: 'admin' });
      expect((await http('GET', url('/v1/settings/block-policy'), { token: other })).body).toEqual({
        whoMayBlock: 'agents',
        reasonRequired: false,
      });
      expect((await http('GET', url('/v1/settings/block-policy'), { token: agent })).status).toBe(403);
      expect(
        (
          await http('PUT', url('/v1/settings/block-policy'), {
            token: agent,
            body: { whoMayBlock: 'agents', reasonRequired: false },
          })
        ).status,
      ).toBe(403);
      const refused = await http('PUT', url('/v1/settings/block-policy'), {
        token: admin,
        body: { whoMayBlock: 'everyone' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
        'reasonRequired',
        'whoMayBlock',
      ]);

      const set = await setPolicy({ whoMayBlock: 'admins', reasonRequired: true });
      expect(set).toMatchObject({ whoMayBlock: 'admins', reasonRequired: true, updatedBy: 'admin-1' });
      expect((await http('GET', url('/v1/settings/block-policy'), { token: admin })).body).toEqual(set);
    });

    it('refuses an agent’s block and unblock when only admins may, and lets an admin', async () => {
      const { contactId } = await createContact(agent);
      await setPolicy({ whoMayBlock: 'admins', reasonRequired: false });

      const refused = await http('POST', url(`/v1/contacts/${contactId}/block`), { token: agent, body: {} });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'block-not-permitted', status: 403 });
      expect(refused.body.detail).toContain('admins');
      expect((await details(agent, contactId)).block).toEqual({ blocked: false });

      const allowed = await http('POST', url(`/v1/contacts/${contactId}/block`), { token: admin, body: {} });
      expect(allowed.status).toBe(200);
      expect(allowed.body.block).toMatchObject({ blocked: true, blockedBy: 'admin-1' });

      const unblockRefused = await http('POST', url(`/v1/contacts/${contactId}/unblock`), { token: agent });
      expect(unblockRefused.status).toBe(403);
      expect(unblockRefused.body.code).toBe('block-not-permitted');
      expect((await details(agent, contactId)).block).toMatchObject({ blocked: true });

      const bulkRefused = await http('POST', url('/v1/bulk/block'), {
        token: agent,
        body: { action: 'unblock', contactIds: [contactId] },
      });
      expect(bulkRefused.status).toBe(403);
      expect(bulkRefused.body.code).toBe('block-not-permitted');
      expect((await details(agent, contactId)).block).toMatchObject({ blocked: true });

      expect((await http('POST', url(`/v1/contacts/${contactId}/unblock`), { token: admin })).status).toBe(
        200,
      );
      expect(
        (await http('POST', url(`/v1/contacts/${contactId}/block`), { token: viewer, body: {} })).status,
      ).toBe(403);
    });

    it('refuses a block or unblock without a reason when one is required, and takes one with it', async () => {
      const { contactId } = await createContact(agent);
      await setPolicy({ whoMayBlock: 'agents', reasonRequired: true });

      const refused = await http('POST', url(`/v1/contacts/${contactId}/block`), { token: agent, body: {} });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'block-reason-required' });
      expect((await details(agent, contactId)).block).toEqual({ blocked: false });

      const bulkRefused = await http('POST', url('/v1/bulk/block'), {
        token: agent,
        body: { action: 'block', contactIds: [contactId] },
      });
      expect(bulkRefused.status).toBe(403);
      expect(bulkRefused.body.code).toBe('block-reason-required');

      const blocked = await http('POST', url(`/v1/contacts/${contactId}/block`), {
        token: agent,
        body: { reason: 'abusive' },
      });
      expect(blocked.status).toBe(200);

      const unblockRefused = await http('POST', url(`/v1/contacts/${contactId}/unblock`), {
        token: agent,
        body: {},
      });
      expect(unblockRefused.status).toBe(403);
      expect(unblockRefused.body.code).toBe('block-reason-required');
      expect((await details(agent, contactId)).block).toMatchObject({ blocked: true, reason: 'abusive' });

      const unblocked = await http('POST', url(`/v1/contacts/${contactId}/unblock`), {
        token: agent,
        body: { reason: 'apologised' },
      });
      expect(unblocked.status).toBe(200);
      expect(unblocked.body.block).toEqual({ blocked: false });
    });

    it('holds commands from other services to it too', async () => {
      const { contactId } = await createContact(agent);
      await setPolicy({ whoMayBlock: 'admins', reasonRequired: false });
      const command = aContactCommand({
        tenantId: tenant,
        contactId,
        type: 'contact.block',
        payload: { reason: 'crm rule' },
        actor: { id: 'crm-sync', kind: 'service', role: 'agent' },
      }) as { commandId: string };
      await producer.send({
        topic: system.topics.contactCommands,
        messages: [{ key: `${tenant}:${contactId}`, value: JSON.stringify(command) }],
      });
      await expectEventually(() =>
        expect(
          probe.json<ContactEvent>(
            system.topics.contactEvents,
            (event) => event.commandId === command.commandId,
          ),
        ).toEqual([
          expect.objectContaining({
            type: 'CommandRejected',
            payload: expect.objectContaining({ code: 'block-not-permitted' }),
          }),
        ]),
      );
      expect((await details(agent, contactId)).block).toEqual({ blocked: false });
    });
  });
});
