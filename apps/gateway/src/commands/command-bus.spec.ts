import { topicNames } from '@switchboard/contracts';
import type { KafkaProducer, OutboundRecord } from '@switchboard/kafka';
import { aTenantId } from '@switchboard/testing';
import type { Principal } from '../auth/principal';
import type { ContactsReader } from '../contacts/contacts-reader';
import { GatewaySettings } from '../gateway-settings';
import { CommandBus } from './command-bus';
import type { ContactEventsListener } from './contact-events.listener';

/** A bus whose producer records what it sends and whose outcomes never come (every call is pending). */
function aCommandBus() {
  const sent: OutboundRecord[] = [];
  const waitedFor: string[] = [];
  const producer = {
    send: (records: OutboundRecord[]) => {
      sent.push(...records);
      return Promise.resolve();
    },
  } as unknown as KafkaProducer;
  const listener = {
    waitFor: (commandId: string) => {
      waitedFor.push(commandId);
      return { outcome: Promise.resolve(undefined), cancel: () => undefined };
    },
  } as unknown as ContactEventsListener;
  const accepted: string[] = [];
  const contacts = {
    acceptCommand: (_tenantId: string, commandId: string) => {
      accepted.push(commandId);
      return Promise.resolve({ commandId, status: 'pending' });
    },
  } as unknown as ContactsReader;
  const bus = new CommandBus(producer, listener, contacts, new GatewaySettings(), topicNames());
  const published = () => sent.map((record) => JSON.parse(String(record.value)) as Record<string, unknown>);
  return { bus, sent, waitedFor, accepted, published };
}

describe('the command bus', () => {
  const principal: Principal = { tenantId: aTenantId(), actorId: 'admin-1', role: 'admin' };

  it('publishes a tenant command with its subject, keyed by it, and waits for it before publishing', async () => {
    const { bus, sent, waitedFor, accepted, published } = aCommandBus();
    const result = await bus.dispatchTenantCommand(principal, 'bulk.tag', {
      jobId: 'j_1',
      action: 'add',
      tags: ['vip'],
      segmentId: 's_1',
    });
    expect(sent[0].key).toBe(`${principal.tenantId}:job:j_1`);
    expect(published()[0]).toMatchObject({
      subject: 'job:j_1',
      type: 'bulk.tag',
      tenantId: principal.tenantId,
    });
    expect(published()[0]).not.toHaveProperty('contactId');
    expect(waitedFor).toEqual([published()[0].commandId]);
    expect(result).toEqual({ kind: 'pending', commandId: published()[0].commandId });
    // answered 202: the contacts service is told, so the status reads pending, not unknown
    expect(accepted).toEqual([published()[0].commandId]);
  });

  it('publishes a contact command keyed by its contact, as before', async () => {
    const { bus, sent, published } = aCommandBus();
    await bus.dispatch(principal, 'contact.block', 'c-1', {});
    expect(sent[0].key).toBe(`${principal.tenantId}:c-1`);
    expect(published()[0]).toMatchObject({ contactId: 'c-1', type: 'contact.block' });
    expect(published()[0]).not.toHaveProperty('subject');
  });

  it('gives a retry with the same idempotency key the same command id', async () => {
    const { bus, published } = aCommandBus();
    await bus.dispatchTenantCommand(principal, 'tag.delete', { tagId: 't_a' }, 'key-1');
    await bus.dispatchTenantCommand(principal, 'tag.delete', { tagId: 't_a' }, 'key-1');
    const [first, retry] = published();
    expect(retry.commandId).toBe(first.commandId);
  });

  it('treats one idempotency key reused on another tag of the same subject as another call', async () => {
    const { bus, published } = aCommandBus();
    await bus.dispatchTenantCommand(principal, 'tag.delete', { tagId: 't_a' }, 'key-1');
    await bus.dispatchTenantCommand(principal, 'tag.delete', { tagId: 't_b' }, 'key-1');
    const [first, second] = published();
    expect(second.subject).toBe(first.subject);
    expect(second.commandId).not.toBe(first.commandId);
  });
});
