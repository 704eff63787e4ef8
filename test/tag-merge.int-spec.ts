import { aTenantId, aWhatsappIdentity, expectEventually, mintToken, TopicProbe } from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';

describe('merging a catalog tag into another', () => {
  const tenant = aTenantId();
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  const agent = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const outsider = mintToken({ tenant: aTenantId(), sub: 'admin-mallory', role: 'admin' });
  let system: System;
  let probe: TopicProbe;

  const url = (path: string) => `${system.gateway.url}/v1${path}`;

  async function createContact(tags: string[]): Promise<string> {
    const created = await http('POST', url('/contacts'), {
      token: agent,
      body: { identities: [aWhatsappIdentity()] },
    });
    expect(created.status).toBe(200);
    const contactId = created.body.contactId as string;
    expect(
      (await http('POST', url(`/contacts/${contactId}/tags`), { token: agent, body: { tags } })).status,
    ).toBe(200);
    return contactId;
  }

  async function tagNamed(name: string): Promise<{ tagId: string; name: string; usage: number }> {
    const catalog = await http('GET', url('/tags'), { token: agent });
    return catalog.body.items.find((tag: { name: string }) => tag.name === name);
  }

  beforeAll(async () => {
    system = await startSystem();
    probe = await new TopicProbe(system.kafka, [system.topics.contactEvents]).start();
  });

  afterAll(async () => {
    await probe?.stop();
    await system?.stop();
  });

  it('moves every contact to the target once, frees the name, and saved segments follow', async () => {
    const onlyOld = await Promise.all(Array.from({ length: 6 }, () => createContact(['Customer', 'keep'])));
    const both = await Promise.all(Array.from({ length: 4 }, () => createContact(['Client', 'Customer'])));
    const onlyTarget = await createContact(['client']);
    const customer = await tagNamed('Customer');
    const client = await tagNamed('Client');
    const saved = await http('POST', url('/segments'), {
      token: agent,
      body: { name: 'Customers', definition: { all: ['customer'] } },
    });
    expect(saved.status).toBe(201);

    const merged = await http('POST', url(`/tags/${customer.tagId}/merge`), {
      token: admin,
      body: { into: client.tagId },
    });
    expect(merged.status).toBe(202);
    expect(merged.body).toMatchObject({ kind: 'tag-merge', status: expect.any(String) });
    expect(merged.headers.get('location')).toBe(`/v1/jobs/${merged.body.jobId}`);
    const job = await expectEventually(
      async () => {
        const current = await http('GET', url(`/jobs/${merged.body.jobId}`), { token: agent });
        expect(current.body.status).toBe('completed');
        return current.body;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(job).toMatchObject({ processed: 10, changed: 10, skipped: 0 });

    const tagsOf = async (contactId: string) =>
      (await http('GET', url(`/contacts/${contactId}`), { token: agent })).body.tags;
    expect(await Promise.all(onlyOld.map(tagsOf))).toEqual(onlyOld.map(() => ['Client', 'keep']));
    expect(await Promise.all(both.map(tagsOf))).toEqual(both.map(() => ['Client']));
    expect(await tagsOf(onlyTarget)).toEqual(['Client']);
    await expectEventually(async () => expect((await tagNamed('Client')).usage).toBe(11));
    expect(await tagNamed('Customer')).toBeUndefined();
    expect((await http('GET', url(`/tags/${customer.tagId}`), { token: agent })).status).toBe(404);

    // The saved segment pinned the merged tag: it now means the target.
    const preview = await http('GET', url(`/segments/${saved.body.segmentId}/preview`), { token: agent });
    expect(preview.body.count).toBe(11);

    const event = probe.json<{ type: string; payload: any }>(
      system.topics.contactEvents,
      (candidate) => candidate.type === 'TagMerged',
    )[0];
    expect(event.payload).toMatchObject({
      tag: { tagId: customer.tagId, name: 'Customer' },
      into: { tagId: client.tagId, name: 'Client' },
      job: { jobId: merged.body.jobId, kind: 'tag-merge' },
    });

    // The name is free again.
    expect((await http('POST', url('/tags'), { token: admin, body: { name: 'customer' } })).status).toBe(201);
  });

  it('refuses a merge into itself, into a missing or merged tag, of a missing tag, and by a non-admin', async () => {
    await createContact(['Left', 'Right', 'Gone']);
    const [left, right, gone] = await Promise.all([tagNamed('Left'), tagNamed('Right'), tagNamed('Gone')]);
    expect((await http('DELETE', url(`/tags/${gone.tagId}`), { token: admin })).status).toBe(200);

    const itself = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: admin,
      body: { into: left.tagId },
    });
    expect(itself.status).toBe(400);
    expect(itself.body.errors.map((error: { field: string }) => error.field)).toEqual(['into']);

    const intoDeleted = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: admin,
      body: { into: gone.tagId },
    });
    expect(intoDeleted.status).toBe(422);
    expect(intoDeleted.body.type).toMatch(/merge-target-not-found$/);
    const intoUnknown = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: admin,
      body: { into: 't_nope' },
    });
    expect(intoUnknown.status).toBe(422);

    const ofUnknown = await http('POST', url('/tags/t_nope/merge'), {
      token: admin,
      body: { into: right.tagId },
    });
    expect(ofUnknown.status).toBe(404);
    const badBody = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: admin,
      body: { into: 'x' },
    });
    expect(badBody.status).toBe(400);
    const byAgent = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: agent,
      body: { into: right.tagId },
    });
    expect(byAgent.status).toBe(403);
    const otherTenant = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: outsider,
      body: { into: right.tagId },
    });
    expect(otherTenant.status).toBe(404);

    // A merged tag is no longer a target either.
    const merged = await http('POST', url(`/tags/${right.tagId}/merge`), {
      token: admin,
      body: { into: left.tagId },
    });
    expect(merged.status).toBe(202);
    const intoMerged = await http('POST', url(`/tags/${left.tagId}/merge`), {
      token: admin,
      body: { into: right.tagId },
    });
    expect(intoMerged.status).toBe(422);
  });
});
