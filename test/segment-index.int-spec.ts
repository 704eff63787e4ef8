import type { Producer } from 'kafkajs';
import { identityKey } from '@switchboard/contracts';
import {
  anInboundMessage,
  aTenantId,
  aWhatsappIdentity,
  expectEventually,
  mintToken,
} from '@switchboard/testing';
import { http } from './support/http';
import {
  restartContacts,
  startContacts,
  startGateway,
  startSystem,
  untilReady,
  type RunningService,
  type System,
} from './support/system';

const DAY_MS = 86_400_000;

interface Written {
  contactId: string;
  address: string;
  tags: Set<string>;
  blocked: boolean;
  messagedAt?: number;
}

/**
 * The segment index of two contacts instances, each behind its own gateway: both answer every
 * preview with what the writes made, while the writes go on, for changes made through either;
 * message activity counts as soon as the messages are on their topic; a restarted instance
 * loads the same answers from the store.
 */
describe('segment index across instances, live changes and a restart', () => {
  const tenant = aTenantId();
  const agent = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  let system: System;
  let second: { contacts: RunningService; gateway: RunningService };
  let producer: Producer;
  const written = new Map<string, Written>();

  const urlOf = (gateway: RunningService) => (path: string) => `${gateway.url}/v1${path}`;
  const gateways = () => [system.gateway, second.gateway];

  const DEFINITIONS = [
    { all: ['vip'] },
    { match: { or: [{ tag: 'vip' }, { and: [{ tag: 'trial' }, { not: { blocked: true } }] }] } },
    { blocked: true },
    { match: { not: { tag: 'trial' } } },
    { match: { lastMessageAt: { withinDays: 7 } } },
    { match: { and: [{ lastMessageAt: { exists: true } }, { not: { tag: 'vip' } }] } },
  ];

  function expected(index: number): number {
    const now = Date.now();
    const holds = [
      (contact: Written) => contact.tags.has('vip'),
      (contact: Written) => contact.tags.has('vip') || (contact.tags.has('trial') && !contact.blocked),
      (contact: Written) => contact.blocked,
      (contact: Written) => !contact.tags.has('trial'),
      (contact: Written) => contact.messagedAt !== undefined && contact.messagedAt >= now - 7 * DAY_MS,
      (contact: Written) => contact.messagedAt !== undefined && !contact.tags.has('vip'),
    ][index];
    return [...written.values()].filter(holds).length;
  }

  async function previews(gateway: RunningService): Promise<number[]> {
    const url = urlOf(gateway);
    return Promise.all(
      DEFINITIONS.map(async (definition) => {
        const preview = await http('POST', url('/segments/preview'), { token: agent, body: definition });
        expect(preview.status).toBe(200);
        return preview.body.count as number;
      }),
    );
  }

  beforeAll(async () => {
    system = await startSystem();
    const contacts = await startContacts();
    const gateway = await startGateway(contacts.url);
    second = { contacts, gateway };
    await Promise.all([untilReady(contacts), untilReady(gateway)]);
    producer = system.kafka.producer();
    await producer.connect();
    for (const name of ['vip', 'trial']) {
      expect(
        (await http('POST', urlOf(system.gateway)('/tags'), { token: admin, body: { name } })).status,
      ).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await second?.gateway.close();
    await second?.contacts.close();
    await system?.stop();
  });

  it('answers alike on both instances, right after each write, while writes go on', async () => {
    const writer = async (worker: number) => {
      for (let step = 0; step < 12; step++) {
        // Alternate the instance written through: each must see the other's writes.
        const url = urlOf(gateways()[(worker + step) % 2]);
        const identity = aWhatsappIdentity();
        const created = await http('POST', url('/contacts'), {
          token: agent,
          body: { identities: [identity] },
        });
        expect(created.status).toBe(200);
        const contact: Written = {
          contactId: created.body.contactId,
          address: identity.address,
          tags: new Set(),
          blocked: false,
        };
        written.set(contact.contactId, contact);
        const tags = ['vip', 'trial'].filter((_, tag) => (step + worker + tag) % 3 === 0);
        if (tags.length > 0) {
          const tagged = await http('POST', url(`/contacts/${contact.contactId}/tags`), {
            token: agent,
            body: { tags },
          });
          expect(tagged.status).toBe(200);
          tags.forEach((tag) => contact.tags.add(tag));
        }
        if (step % 4 === worker % 4) {
          const blocked = await http('POST', url(`/contacts/${contact.contactId}/block`), {
            token: agent,
            body: { reason: 'spam' },
          });
          expect(blocked.status).toBe(200);
          contact.blocked = true;
        }
      }
    };
    const reader = async (stop: () => boolean) => {
      let rounds = 0;
      while (!stop()) {
        await Promise.all(gateways().map(previews));
        rounds++;
      }
      return rounds;
    };
    let writing = true;
    const [rounds] = await Promise.all([
      reader(() => !writing),
      Promise.all([0, 1, 2].map(writer)).finally(() => (writing = false)),
    ]);
    expect(rounds).toBeGreaterThan(0);
    const wanted = DEFINITIONS.map((_, index) => expected(index));
    expect(wanted.slice(0, 4).every((count) => count > 0)).toBe(true);
    for (const gateway of gateways()) {
      expect(await previews(gateway)).toEqual(wanted);
    }
  });

  it('counts message activity once the messages are on their topic, the new sender once its contact exists', async () => {
    const now = Date.now();
    const contacts = [...written.values()];
    const messages = contacts.slice(0, 10).map((contact, index) => {
      // Half of them within the week, half older.
      contact.messagedAt = now - (index % 2 === 0 ? 2 : 20) * DAY_MS;
      return anInboundMessage({
        tenantId: tenant,
        from: contact.address,
        sentAt: new Date(contact.messagedAt).toISOString(),
      });
    });
    const stranger = anInboundMessage({
      tenantId: tenant,
      from: aWhatsappIdentity().address,
      sentAt: new Date(now).toISOString(),
    });
    await producer.send({
      topic: system.topics.messagesAccepted,
      messages: [...messages, stranger].map((message) => ({
        key: identityKey(tenant, message.channel, message.from),
        value: JSON.stringify(message),
      })),
    });
    const wanted = () => DEFINITIONS.map((_, index) => expected(index));
    // The written contacts at once; the stranger's contact is created by the ingest meanwhile.
    const first = await previews(system.gateway);
    expect(first[4] - wanted()[4]).toBeGreaterThanOrEqual(0);
    expect(first[4] - wanted()[4]).toBeLessThanOrEqual(1);
    const strangerContact = await expectEventually(async () => {
      const listed = await http('GET', urlOf(system.gateway)(`/contacts?limit=100`), { token: agent });
      const found = (listed.body.items as { contactId: string; identities: { address: string }[] }[]).find(
        (contact) => contact.identities.some((identity) => identity.address === stranger.from),
      );
      expect(found).toBeDefined();
      return found!;
    });
    written.set(strangerContact.contactId, {
      contactId: strangerContact.contactId,
      address: stranger.from,
      tags: new Set(),
      blocked: false,
      messagedAt: now,
    });
    for (const gateway of gateways()) {
      expect(await previews(gateway)).toEqual(wanted());
    }
  });

  it('loads the same answers from the store after a restart', async () => {
    const before = await previews(second.gateway);
    const { port } = new URL(second.contacts.url);
    await second.contacts.close();
    second.contacts = await startContacts({}, Number(port));
    await untilReady(second.contacts);
    const readiness = (await (await fetch(`${second.contacts.url}/health/ready`)).json()) as {
      checks: object;
    };
    expect(readiness.checks).toMatchObject({ 'segment-index': true });
    expect(await previews(second.gateway)).toEqual(before);
    await restartContacts(system);
    expect(await previews(system.gateway)).toEqual(before);
    expect(before).toEqual(DEFINITIONS.map((_, index) => expected(index)));
  });
});
