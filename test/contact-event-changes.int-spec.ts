import type { Producer } from 'kafkajs';
import { contactKey } from '@switchboard/contracts';
import {
  aContactCommand,
  aCreateContactRequest,
  aTenantId,
  expectEventually,
  mintToken,
  TopicProbe,
} from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

interface StateEvent {
  commandId: string;
  type: string;
  actor: { id: string; kind: string; role?: string };
  payload: { changed: boolean; reason?: string; changes: Record<string, unknown> };
}

/** Contact events tell other services who changed what, why, and what it was before. */
describe('contact events carry the actor, the reason and each change before and after', () => {
  const tenant = aTenantId();
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });
  let system: System;
  let probe: TopicProbe;
  let producer: Producer;

  const url = (path: string) => `${system.gateway.url}/v1${path}`;
  const eventOf = (commandId: string) =>
    expectEventually(() => {
      const [event] = probe.json<StateEvent>(
        system.topics.contactEvents,
        (candidate) => candidate.commandId === commandId,
      );
      expect(event).toBeDefined();
      return event;
    });
  const call = async (method: 'POST' | 'PATCH', path: string, body: unknown) => {
    const response = await http(method, url(path), { token: agent, body });
    expect(response.status).toBe(200);
    return eventOf(response.headers.get('x-command-id')!);
  };

  beforeAll(async () => {
    system = await startSystem();
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [system.topics.contactEvents]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await producer?.disconnect();
    await system?.stop();
  });

  it('reports a block and an unblock with who, why, and the block before and after', async () => {
    const created = await http('POST', url('/contacts'), { token: agent, body: aCreateContactRequest() });
    const contactId = created.body.contactId as string;

    const blocked = await call('POST', `/contacts/${contactId}/block`, { reason: 'spam' });
    expect(blocked).toMatchObject({
      type: 'ContactBlocked',
      actor: { id: 'agent-7', role: 'agent' },
      payload: {
        changed: true,
        reason: 'spam',
        changes: {
          block: {
            before: { blocked: false },
            after: { blocked: true, blockedBy: 'agent-7', reason: 'spam', blockedAt: expect.any(String) },
          },
        },
      },
    });
    expect(Object.keys(blocked.payload.changes)).toEqual(['block']);

    // Another service unblocks with a reason of its own, straight on the command topic.
    const unblock = aContactCommand({
      tenantId: tenant,
      contactId,
      type: 'contact.unblock',
      actor: { id: 'trust-and-safety', kind: 'service', role: 'agent' },
      payload: { reason: 'appeal accepted' },
    }) as { commandId: string };
    await producer.send({
      topic: system.topics.contactCommands,
      messages: [{ key: contactKey(tenant, contactId), value: JSON.stringify(unblock) }],
    });
    expect(await eventOf(unblock.commandId)).toMatchObject({
      type: 'ContactUnblocked',
      actor: { id: 'trust-and-safety', kind: 'service', role: 'agent' },
      payload: {
        reason: 'appeal accepted',
        changes: {
          block: {
            before: { blocked: true, blockedBy: 'agent-7', reason: 'spam' },
            after: { blocked: false },
          },
        },
      },
    });
  });

  it('reports tags added and removed with the lists before and after', async () => {
    const created = await http('POST', url('/contacts'), { token: agent, body: aCreateContactRequest() });
    const contactId = created.body.contactId as string;

    const tagged = await call('POST', `/contacts/${contactId}/tags`, { tags: ['vip', 'Churn risk'] });
    expect(tagged).toMatchObject({
      type: 'ContactTagged',
      actor: { id: 'agent-7' },
      payload: {
        changes: {
          tags: { before: [], after: ['vip', 'Churn risk'], added: ['vip', 'Churn risk'], removed: [] },
        },
      },
    });
    const untagged = await call('POST', `/contacts/${contactId}/tags/remove`, { tags: ['churn RISK'] });
    expect(untagged).toMatchObject({
      type: 'ContactUntagged',
      payload: {
        changes: {
          tags: { before: ['vip', 'Churn risk'], after: ['vip'], added: [], removed: ['Churn risk'] },
        },
      },
    });
    expect(untagged.payload).not.toHaveProperty('reason');
  });

  it('reports the profile fields an update changed, and nothing for one that changed nothing', async () => {
    const created = await http('POST', url('/contacts'), {
      token: agent,
      body: aCreateContactRequest({ name: 'Ada', attributes: { plan: 'free' } }),
    });
    const contactId = created.body.contactId as string;
    const createdEvent = await eventOf(created.headers.get('x-command-id')!);
    expect(createdEvent.payload.changes).toMatchObject({
      name: { before: null, after: 'Ada' },
      attributes: { before: {}, after: { plan: 'free' } },
    });

    const updated = await call('PATCH', `/contacts/${contactId}`, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      attributes: { plan: 'pro' },
    });
    expect(updated).toMatchObject({
      type: 'ContactUpdated',
      actor: { id: 'agent-7' },
      payload: {
        changes: {
          name: { before: 'Ada', after: 'Ada Lovelace' },
          email: { before: null, after: 'ada@example.com' },
          attributes: { before: { plan: 'free' }, after: { plan: 'pro' } },
        },
      },
    });
    expect(Object.keys(updated.payload.changes).sort()).toEqual(['attributes', 'email', 'name']);

    const same = await call('PATCH', `/contacts/${contactId}`, { name: 'Ada Lovelace' });
    expect(same.payload).toMatchObject({ changed: false, changes: {} });
  });
});
