import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { topicNames, topicSpecs, type Actor, type CommandType } from '@switchboard/contracts';
import { ensureTopics } from '@switchboard/kafka';
import { aTenantId, aWhatsappIdentity, expectEventually, mintToken, TopicProbe } from '@switchboard/testing';
import { AcceptedCommandsRepository } from '../apps/contacts/src/commands/accepted-commands.repository';
import { TagCatalogRepository } from '../apps/contacts/src/tags/tag-catalog.repository';
import {
  AllCommandTypes,
  aCommandItsContractRefuses,
  aValidCommand,
  type CommandRecord,
} from './support/commands-factory';
import { http } from './support/http';
import { startGateway, startSystem, untilReady, type RunningService, type System } from './support/system';

/** Commands of this actor fail on every attempt in the contacts service (its failure drill). */
const DRILL_ACTOR_ID = 'drill-bot';
const EVENTUALLY = { timeoutMs: 60_000, intervalMs: 100 };

describe('every accepted command ends in an outcome the caller can read', () => {
  const tenant = aTenantId();
  const otherTenant = aTenantId();
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  const agent = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const drillAgent = mintToken({ tenant, sub: DRILL_ACTOR_ID, role: 'admin' });
  const outsider = mintToken({ tenant: otherTenant, sub: 'admin-mallory', role: 'admin' });
  const sender: { tenantId: string; actor: Actor } = {
    tenantId: tenant,
    actor: { id: 'crm-sync', kind: 'service', role: 'admin' },
  };
  const drill: { tenantId: string; actor: Actor } = {
    tenantId: tenant,
    actor: { id: DRILL_ACTOR_ID, kind: 'service', role: 'admin' },
  };
  let system: System;
  let producer: Producer;
  let probe: TopicProbe;

  const url = (path: string) => `${system.gateway.url}/v1${path}`;
  const statusOf = (commandId: string, token = admin) =>
    http('GET', url(`/commands/${commandId}`), { token });

  async function publish(...records: CommandRecord[]): Promise<void> {
    await producer.send({
      topic: system.topics.contactCommands,
      messages: records.map(({ key, value }) => ({ key, value: JSON.stringify(value) })),
    });
  }

  const eventsOf = (commandId: string) =>
    probe.json<Record<string, any>>(system.topics.contactEvents, (event) => event.commandId === commandId);

  /** Its status reads `rejected` with `code`, and its `CommandRejected` is on contacts.events. */
  async function rejected(commandId: string, code: string) {
    return expectEventually(async () => {
      const status = await statusOf(commandId);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        commandId,
        status: 'rejected',
        event: { type: 'CommandRejected', commandId, payload: { code, reason: expect.any(String) } },
      });
      // At least once: any copy is the same event.
      const events = eventsOf(commandId);
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events).toEqual(
        events.map(() =>
          expect.objectContaining({ type: 'CommandRejected', eventId: status.body.event.eventId }),
        ),
      );
      return status.body.event;
    }, EVENTUALLY);
  }

  beforeAll(async () => {
    system = await startSystem({
      withFilter: true,
      contactsEnvironment: { COMMAND_FAILURE_DRILL_ACTOR: DRILL_ACTOR_ID },
    });
    producer = system.kafka.producer();
    await producer.connect();
    probe = await new TopicProbe(system.kafka, [
      system.topics.contactEvents,
      `${system.topics.contactCommands}.dlq`,
    ]).start();
  }, 180_000);

  afterAll(async () => {
    await probe?.stop();
    await producer?.disconnect();
    await system?.stop();
  });

  describe('tag names in the catalog', () => {
    it('refuses renaming a tag to the name of another, whatever its case and outer spaces, with 409', async () => {
      const vip = await http('POST', url('/tags'), { token: admin, body: { name: 'VIP' } });
      const gold = await http('POST', url('/tags'), { token: admin, body: { name: 'Gold' } });
      expect([vip.status, gold.status]).toEqual([201, 201]);

      const renamed = await http('PATCH', url(`/tags/${gold.body.tagId}`), {
        token: admin,
        body: { name: ' vip ' },
      });

      expect(renamed.status).toBe(409);
      expect(renamed.body).toMatchObject({
        code: 'tag-name-taken',
        type: expect.stringMatching(/\/tag-name-taken$/),
      });
      const catalog = await http('GET', url('/tags'), { token: admin });
      expect(catalog.body.items.map((tag: { name: string }) => tag.name).sort()).toEqual(['Gold', 'VIP']);
    });

    it('lets a tag change the case of its own name', async () => {
      const silver = await http('POST', url('/tags'), { token: admin, body: { name: 'Silver' } });
      const recased = await http('PATCH', url(`/tags/${silver.body.tagId}`), {
        token: admin,
        body: { name: 'SILVER' },
      });
      expect(recased.status).toBe(200);
      expect(recased.body.tag.name).toBe('SILVER');
    });

    it('refuses creating a tag with a name the catalog has, with 409', async () => {
      await http('POST', url('/tags'), { token: admin, body: { name: 'Bronze' } });
      const created = await http('POST', url('/tags'), { token: admin, body: { name: ' bRONZE' } });
      expect(created.status).toBe(409);
      expect(created.body.code).toBe('tag-name-taken');
    });

    it('rejects a rename to a taken name sent straight to Kafka with CommandRejected, not the DLQ', async () => {
      const [first, second] = [`t_${randomUUID().slice(0, 8)}`, `t_${randomUUID().slice(0, 8)}`];
      const creates = [
        aValidCommand('tag.create', sender, { tagId: first, name: 'Platinum' }),
        aValidCommand('tag.create', sender, { tagId: second, name: 'Copper' }),
      ];
      await publish(...creates);
      await expectEventually(
        () => expect(eventsOf(String(creates[1].value.commandId))).toHaveLength(1),
        EVENTUALLY,
      );

      const rename = aValidCommand('tag.update', sender, { tagId: second, name: 'PLATINUM' });
      await publish(rename);

      await rejected(String(rename.value.commandId), 'tag-name-taken');
      const dlq = probe.json(
        `${system.topics.contactCommands}.dlq`,
        (value) => value.commandId === rename.value.commandId,
      );
      expect(dlq).toEqual([]);
    });

    it('takes the store’s unique name index refusing a racing rename as the name being taken', async () => {
      // The race the catalog's check cannot see: another writer took the name in between.
      const catalog = system.contacts.app.get(TagCatalogRepository);
      const [taken, renamed] = await catalog.ensure(tenant, ['Race winner', 'Race loser'], new Date());
      const loser = (await catalog.get(tenant, renamed.tagId))!;

      await expect(catalog.update(loser, { name: 'race WINNER' })).resolves.toBe(false);
      expect((await catalog.get(tenant, renamed.tagId))!.name).toBe('Race loser');
      expect((await catalog.get(tenant, taken.tagId))!.name).toBe('Race winner');
    });
  });

  describe('commands that go to the DLQ', () => {
    it.each(AllCommandTypes)(
      'answers a %s its contract refuses with a rejection',
      async (type: CommandType) => {
        const command = aCommandItsContractRefuses(type, sender);
        await publish(command);

        const event = await rejected(String(command.value.commandId), 'validation-failed');

        expect(event.payload.reason).toContain('unexpectedField');
        expect(event.payload.fieldErrors).toEqual([
          expect.objectContaining({ field: 'payload.unexpectedField' }),
        ]);
        expect(event.actor).toEqual(sender.actor);
        const dlq = probe.json(
          `${system.topics.contactCommands}.dlq`,
          (value) => value.commandId === command.value.commandId,
        );
        expect(dlq).toHaveLength(1);
      },
    );

    it.each(AllCommandTypes)(
      'answers a %s that fails on every attempt with a rejection',
      async (type: CommandType) => {
        const command = aValidCommand(type, drill);
        await publish(command);

        const event = await rejected(String(command.value.commandId), 'command-failed');

        expect(event.payload.reason).toContain('failed on every attempt');
        expect(event.actor).toEqual(drill.actor);
        const dlq = probe.json(
          `${system.topics.contactCommands}.dlq`,
          (value) => value.commandId === command.value.commandId,
        );
        expect(dlq).toHaveLength(1);
        // While it was retried, the command was known as under way.
        const accepted = system.contacts.app.get(AcceptedCommandsRepository);
        await expect(accepted.has(tenant, String(command.value.commandId))).resolves.toBe(true);
      },
    );

    it('answers a caller waiting on the gateway with the rejection of its dead-lettered command', async () => {
      const created = await http('POST', url('/contacts'), {
        token: drillAgent,
        body: { identities: [aWhatsappIdentity()] },
      });

      expect(created.status).toBe(500);
      expect(created.body).toMatchObject({
        code: 'command-failed',
        type: expect.stringMatching(/\/command-failed$/),
      });
      const commandId = created.headers.get('x-command-id')!;
      expect((await statusOf(commandId)).body.status).toBe('rejected');
    });

    it('answers a command that names no valid contact, keyed by its tenant', async () => {
      const command = aValidCommand('contact.block', sender);
      command.value.contactId = 'not a contact id!';
      await publish(command);

      const event = await rejected(String(command.value.commandId), 'validation-failed');

      expect(event).not.toHaveProperty('contactId');
      expect(event).not.toHaveProperty('subject');
      const [found] = probe.jsonRecords(
        system.topics.contactEvents,
        (value) => value.eventId === event.eventId,
      );
      expect(found?.record.key?.toString()).toBe(tenant);
    });

    it('answers a redelivered dead-lettered command with the same rejection', async () => {
      const command = aCommandItsContractRefuses('contact.update', sender);
      await publish(command);
      const first = await rejected(String(command.value.commandId), 'validation-failed');

      await publish(command);

      await expectEventually(() => {
        const events = eventsOf(String(command.value.commandId));
        expect(events.length).toBeGreaterThanOrEqual(2);
        expect(new Set(events.map((event) => event.eventId))).toEqual(new Set([first.eventId]));
      }, EVENTUALLY);
      expect((await statusOf(String(command.value.commandId))).body.event).toEqual(first);
    });

    it('keeps the outcome a command already had when a broken copy of it is dead-lettered', async () => {
      const command = aValidCommand('contact.create', sender);
      await publish(command);
      const commandId = String(command.value.commandId);
      await expectEventually(
        async () => expect((await statusOf(commandId)).body.status).toBe('applied'),
        EVENTUALLY,
      );

      await expectEventually(() => expect(eventsOf(commandId).length).toBeGreaterThanOrEqual(1), EVENTUALLY);
      const appliedEvents = eventsOf(commandId).length;
      await publish({ ...command, value: { ...command.value, payload: { unexpectedField: true } } });

      await expectEventually(() => {
        const events = eventsOf(commandId);
        // Answered again with the event it had, never a rejection.
        expect(events.length).toBeGreaterThan(appliedEvents);
        expect(new Set(events.map((event) => `${event.type} ${event.eventId}`))).toEqual(
          new Set([`ContactCreated ${events[0].eventId}`]),
        );
      }, EVENTUALLY);
      expect((await statusOf(commandId)).body).toMatchObject({
        status: 'applied',
        event: { type: 'ContactCreated' },
      });
    });

    it('only dead-letters a record without a readable command id: there is nobody to answer', async () => {
      const lostTenant = aTenantId();
      const record = aValidCommand('contact.create', { ...sender, tenantId: lostTenant });
      record.value.commandId = 'not-a-uuid';
      await publish(record);

      await expectEventually(
        () =>
          expect(
            probe.json(`${system.topics.contactCommands}.dlq`, (value) => value.tenantId === lostTenant),
          ).toHaveLength(1),
        EVENTUALLY,
      );
      // Published after it on the same key: once answered, the broken record was passed long ago.
      const next = aValidCommand('contact.create', { ...sender, tenantId: lostTenant });
      next.key = record.key;
      await publish(next);
      await expectEventually(
        () => expect(eventsOf(String(next.value.commandId))).toHaveLength(1),
        EVENTUALLY,
      );
      expect(probe.json(system.topics.contactEvents, (event) => event.tenantId === lostTenant)).toHaveLength(
        1,
      );
    });
  });

  describe('GET /v1/commands/{id}', () => {
    /** A gateway publishing to topics no contacts service reads, answering 202 at once. */
    let idleGateway: RunningService;

    beforeAll(async () => {
      const idlePrefix = `${process.env.TOPIC_PREFIX}idle.`;
      await ensureTopics(system.kafka, topicSpecs(topicNames(idlePrefix), 1));
      idleGateway = await startGateway(system.contacts.url, {
        TOPIC_PREFIX: idlePrefix,
        COMMAND_TIMEOUT_MS: '0',
      });
      await untilReady(idleGateway);
    }, 120_000);

    afterAll(async () => {
      await idleGateway?.close();
    });

    it('answers 404 command-not-found for an id never issued', async () => {
      const status = await statusOf(randomUUID());
      expect(status.status).toBe(404);
      expect(status.body).toMatchObject({
        code: 'command-not-found',
        type: expect.stringMatching(/\/command-not-found$/),
      });
    });

    it('answers 404, not 403, for a command of another tenant', async () => {
      const created = await http('POST', url('/contacts'), {
        token: agent,
        body: { identities: [aWhatsappIdentity()] },
      });
      expect(created.status).toBe(200);
      const commandId = created.headers.get('x-command-id')!;
      // A command answered 200 reads its outcome at once: it is recorded before its event is sent.
      expect((await statusOf(commandId)).body.status).toBe('applied');

      const seenByOutsider = await statusOf(commandId, outsider);

      expect(seenByOutsider.status).toBe(404);
      expect(seenByOutsider.body.code).toBe('command-not-found');
    });

    it('reads pending for a command answered 202 that has no outcome yet', async () => {
      const accepted = await http('POST', `${idleGateway.url}/v1/contacts`, {
        token: agent,
        body: { identities: [aWhatsappIdentity()] },
      });
      expect(accepted.status).toBe(202);

      const status = await http('GET', `${idleGateway.url}${accepted.body.statusUrl}`, { token: agent });

      expect(status.status).toBe(200);
      expect(status.body).toEqual({ commandId: accepted.body.commandId, status: 'pending' });
      expect((await statusOf(accepted.body.commandId, outsider)).status).toBe(404);
    });

    it('reads a 202-answered command as pending or rejected, never unknown, until it is rejected', async () => {
      const fastGateway = await startGateway(system.contacts.url, { COMMAND_TIMEOUT_MS: '0' });
      try {
        await untilReady(fastGateway);
        const accepted = await http('POST', `${fastGateway.url}/v1/contacts`, {
          token: drillAgent,
          body: { identities: [aWhatsappIdentity()] },
        });
        expect(accepted.status).toBe(202);
        const answers: string[] = [];
        await expectEventually(async () => {
          const status = await statusOf(accepted.body.commandId);
          answers.push(`${status.status} ${status.body.status ?? status.body.code}`);
          expect(status.body.status).toBe('rejected');
        }, EVENTUALLY);
        const readings = new Set(answers);
        readings.delete('200 pending');
        expect([...readings]).toEqual(['200 rejected']);
      } finally {
        await fastGateway.close();
      }
    });

    it('says an applied block answered 202 is enforced once every running filter enforces it', async () => {
      const created = await http('POST', url('/contacts'), {
        token: agent,
        body: { identities: [aWhatsappIdentity()] },
      });
      const lateGateway = await startGateway(system.contacts.url, { COMMAND_TIMEOUT_MS: '0' });
      try {
        await untilReady(lateGateway);
        for (const action of ['block', 'unblock']) {
          const answered = await http(
            'POST',
            `${lateGateway.url}/v1/contacts/${created.body.contactId}/${action}`,
            {
              token: agent,
              body: {},
            },
          );
          expect(answered.status).toBe(202);

          await expectEventually(async () => {
            const status = await statusOf(answered.body.commandId);
            expect(status.body).toMatchObject({ status: 'applied', enforced: true });
          }, EVENTUALLY);
        }
      } finally {
        await lateGateway.close();
      }
    });

    it('leaves enforced out of the status of commands that do not block or unblock', async () => {
      const created = await http('POST', url('/contacts'), {
        token: agent,
        body: { identities: [aWhatsappIdentity()] },
      });
      const status = await statusOf(created.headers.get('x-command-id')!);
      expect(status.body.status).toBe('applied');
      expect(status.body).not.toHaveProperty('enforced');
    });
  });
});
