import { aTenantId, aWhatsappIdentity, expectEventually, mintToken, TopicProbe } from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';
import { random } from './support/seeded-random';

const TAG_POOL = ['alpha', 'beta', 'gamma', 'delta', 'omega'];
/** How often each pool tag is carried: a few common tags and a long tail, like real catalogs. */
const TAG_ODDS = [0.6, 0.35, 0.2, 0.1, 0.03];
const PLANS = ['free', 'pro'];

interface SeededContact {
  contactId: string;
  tags: string[];
  blocked: boolean;
  plan: string;
}

interface Definition {
  all?: string[];
  any?: string[];
  none?: string[];
  blocked?: boolean;
  attributes?: Record<string, string>;
}

/** The brute-force reference: does a seeded contact belong to the segment? Names compare case-insensitively. */
function belongs(contact: SeededContact, definition: Definition): boolean {
  const carried = new Set(contact.tags.map((tag) => tag.toLowerCase()));
  const has = (name: string) => carried.has(name.toLowerCase());
  return (
    (definition.all ?? []).every(has) &&
    (definition.any === undefined || definition.any.some(has)) &&
    !(definition.none ?? []).some(has) &&
    (definition.blocked === undefined || definition.blocked === contact.blocked) &&
    Object.entries(definition.attributes ?? {}).every(
      ([key, value]) => key === 'plan' && contact.plan === value,
    )
  );
}

function aDefinition(next: () => number): Definition {
  const pick = () => {
    const names = TAG_POOL.filter(() => next() < 0.35);
    // Mixed case on purpose: names match the catalog regardless of case.
    return names.map((name) => (next() < 0.5 ? name.toUpperCase() : name));
  };
  // Every expression keeps to the seeded contacts (other tests add contacts of their own).
  const definition: Definition = {};
  const all = ['seeded', ...pick()];
  const any = pick();
  const none = pick();
  if (all.length) definition.all = all;
  if (any.length) definition.any = any;
  if (none.length) definition.none = none;
  if (next() < 0.3) definition.blocked = next() < 0.5;
  if (next() < 0.3) definition.attributes = { plan: PLANS[Math.floor(next() * PLANS.length)] };
  if (next() < 0.1) definition.all = [...(definition.all ?? []), 'no-such-tag'];
  return definition;
}

describe('tags, the tag catalog, segments, bulk tagging and campaigns', () => {
  const tenant = aTenantId();
  const otherTenant = aTenantId();
  const admin = mintToken({ tenant, sub: 'admin-eve', role: 'admin' });
  const agent = mintToken({ tenant, sub: 'agent-ada', role: 'agent' });
  const viewer = mintToken({ tenant, sub: 'viewer-vic', role: 'viewer' });
  const outsider = mintToken({ tenant: otherTenant, sub: 'admin-mallory', role: 'admin' });
  let system: System;
  let probe: TopicProbe;
  const seeded: SeededContact[] = [];

  const url = (path: string) => `${system.gateway.url}/v1${path}`;

  async function createContact(tags: string[] = [], blocked = false, plan = 'free'): Promise<SeededContact> {
    const created = await http('POST', url('/contacts'), {
      token: agent,
      body: { identities: [aWhatsappIdentity()], attributes: { plan } },
    });
    expect(created.status).toBe(200);
    const contactId = created.body.contactId as string;
    if (tags.length) {
      expect(
        (await http('POST', url(`/contacts/${contactId}/tags`), { token: agent, body: { tags } })).status,
      ).toBe(200);
    }
    if (blocked) {
      expect(
        (await http('POST', url(`/contacts/${contactId}/block`), { token: agent, body: {} })).status,
      ).toBe(200);
    }
    return { contactId, tags, blocked, plan };
  }

  async function finishedJob(jobId: string, token = viewer) {
    return expectEventually(
      async () => {
        const job = await http('GET', url(`/jobs/${jobId}`), { token });
        expect(job.body.status).toBe('completed');
        return job.body;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  async function contactOf(contactId: string) {
    return (await http('GET', url(`/contacts/${contactId}`), { token: viewer })).body;
  }

  beforeAll(async () => {
    system = await startSystem();
    probe = await new TopicProbe(system.kafka, [
      system.topics.contactEvents,
      system.topics.campaignDispatch,
      system.topics.contactCommands,
    ]).start();
    const next = random(7);
    const seeds = Array.from({ length: 90 }, () => ({
      tags: ['seeded', ...TAG_POOL.filter((_, index) => next() < TAG_ODDS[index])],
      blocked: next() < 0.15,
      plan: PLANS[Math.floor(next() * PLANS.length)],
    }));
    for (let start = 0; start < seeds.length; start += 10) {
      seeded.push(
        ...(await Promise.all(
          seeds.slice(start, start + 10).map((seed) => createContact(seed.tags, seed.blocked, seed.plan)),
        )),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await probe?.stop();
    await system?.stop();
  });

  describe('tags on a contact', () => {
    it('adds and removes tags in one call each, and the events carry the resulting tag set', async () => {
      const contact = await createContact();
      const added = await http('POST', url(`/contacts/${contact.contactId}/tags`), {
        token: agent,
        body: { tags: [' Summer Sale ', 'Wholesale'] },
      });
      expect(added.status).toBe(200);
      expect(added.body.tags).toEqual(['Summer Sale', 'Wholesale']);
      const again = await http('POST', url(`/contacts/${contact.contactId}/tags`), {
        token: agent,
        body: { tags: ['summer sale', 'WHOLESALE'] },
      });
      expect(again.body.tags).toEqual(['Summer Sale', 'Wholesale']);
      const removed = await http('POST', url(`/contacts/${contact.contactId}/tags/remove`), {
        token: agent,
        body: { tags: ['wholesale', 'never-carried'] },
      });
      expect(removed.body.tags).toEqual(['Summer Sale']);

      const eventOf = (commandId: string | null) =>
        expectEventually(() => {
          const [event] = probe.json<{
            commandId: string;
            type: string;
            payload: { contact: { tags: string[] } };
          }>(system.topics.contactEvents, (candidate) => candidate.commandId === commandId);
          expect(event).toBeDefined();
          return event;
        });
      await expect(eventOf(added.headers.get('x-command-id'))).resolves.toMatchObject({
        type: 'ContactTagged',
        payload: { contact: { tags: ['Summer Sale', 'Wholesale'] } },
      });
      await expect(eventOf(removed.headers.get('x-command-id'))).resolves.toMatchObject({
        type: 'ContactUntagged',
        payload: { contact: { tags: ['Summer Sale'] } },
      });
    });

    it('keeps tag names unique per tenant regardless of case, with the first spelling', async () => {
      const first = await createContact(['Night Owl']);
      const second = await createContact(['NIGHT OWL', 'night owl']);
      expect((await contactOf(second.contactId)).tags).toEqual(['Night Owl']);
      const catalog = await http('GET', url('/tags'), { token: viewer });
      const entries = catalog.body.items.filter(
        (tag: { name: string }) => tag.name.toLowerCase() === 'night owl',
      );
      expect(entries).toEqual([expect.objectContaining({ name: 'Night Owl', usage: 2 })]);
      const duplicate = await http('POST', url('/tags'), { token: admin, body: { name: 'night OWL' } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('tag-name-taken');
      expect((await contactOf(first.contactId)).tagDetails).toEqual([
        expect.objectContaining({ name: 'Night Owl', colour: expect.stringMatching(/^#[0-9a-f]{6}$/) }),
      ]);
    });
  });

  describe('the tag catalog', () => {
    it('creates, recolours and renames a tag; the rename reaches every contact that carries it', async () => {
      const created = await http('POST', url('/tags'), {
        token: admin,
        body: { name: 'Spring', colour: '#00aa00', description: 'spring campaign' },
      });
      expect(created.status).toBe(201);
      const { tagId } = created.body;
      const tagged = await Promise.all(Array.from({ length: 25 }, () => createContact(['spring', 'keep'])));
      const renamed = await http('PATCH', url(`/tags/${tagId}`), {
        token: admin,
        body: { name: 'Spring 2027', colour: '#112233' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.tag).toMatchObject({ tagId, name: 'Spring 2027', colour: '#112233', usage: 25 });
      const job = await finishedJob(renamed.body.jobId);
      expect(job).toMatchObject({ kind: 'tag-rename', processed: 25, changed: 25, skipped: 0 });
      const after = await Promise.all(tagged.map((contact) => contactOf(contact.contactId)));
      expect(after.map((contact) => contact.tags)).toEqual(tagged.map(() => ['Spring 2027', 'keep']));
      const viewerAttempt = await http('PATCH', url(`/tags/${tagId}`), { token: agent, body: { name: 'x' } });
      expect(viewerAttempt.status).toBe(403);
    });

    it('keeps a saved segment meaning the same tag after a rename', async () => {
      await Promise.all(Array.from({ length: 3 }, () => createContact(['Renamable'])));
      const saved = await http('POST', url('/segments'), {
        token: agent,
        body: { name: 'Renamable ones', definition: { all: ['renamable'] } },
      });
      const tag = (await http('GET', url('/tags'), { token: viewer })).body.items.find(
        (candidate: { name: string }) => candidate.name === 'Renamable',
      );
      const renamed = await http('PATCH', url(`/tags/${tag.tagId}`), {
        token: admin,
        body: { name: 'Renamed' },
      });
      await finishedJob(renamed.body.jobId);
      const preview = await http('GET', url(`/segments/${saved.body.segmentId}/preview`), { token: viewer });
      expect(preview.body.count).toBe(3);
      expect(preview.body.sample.map((contact: { tags: string[] }) => contact.tags)).toEqual([
        ['Renamed'],
        ['Renamed'],
        ['Renamed'],
      ]);
    });

    it('deletes a tag from the catalog and from every contact, and frees its name', async () => {
      const created = await http('POST', url('/tags'), { token: admin, body: { name: 'Doomed' } });
      const tagged = await Promise.all(Array.from({ length: 15 }, () => createContact(['doomed', 'stays'])));
      const deleted = await http('DELETE', url(`/tags/${created.body.tagId}`), { token: admin });
      expect(deleted.status).toBe(200);
      const job = await finishedJob(deleted.body.jobId);
      expect(job).toMatchObject({ kind: 'tag-delete', changed: 15 });
      const after = await Promise.all(tagged.map((contact) => contactOf(contact.contactId)));
      expect(after.map((contact) => contact.tags)).toEqual(tagged.map(() => ['stays']));
      expect((await http('GET', url(`/tags/${created.body.tagId}`), { token: viewer })).status).toBe(404);
      const catalog = await http('GET', url('/tags'), { token: viewer });
      expect(catalog.body.items.map((tag: { name: string }) => tag.name)).not.toContain('Doomed');
      expect((await http('POST', url('/tags'), { token: admin, body: { name: 'doomed' } })).status).toBe(201);
    });

    it.each([
      ['an empty name', { name: '   ' }, 'name'],
      ['a name over 64 characters', { name: 'x'.repeat(65) }, 'name'],
      ['a control character', { name: 'bad\u0007name' }, 'name'],
      ['a colour that is not #rrggbb', { name: 'ok', colour: 'red' }, 'colour'],
    ])('refuses %s with field errors', async (_case, body, field) => {
      const response = await http('POST', url('/tags'), { token: admin, body });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  describe('segments', () => {
    it('previews counts equal to a brute-force count, for generated expressions', async () => {
      const next = random(42);
      for (let round = 0; round < 30; round++) {
        const definition = aDefinition(next);
        const expected = seeded.filter((contact) => belongs(contact, definition));
        const preview = await http('POST', url('/segments/preview'), { token: viewer, body: definition });
        expect({ definition, status: preview.status, count: preview.body.count }).toEqual({
          definition,
          status: 200,
          count: expected.length,
        });
        const ids = new Set(expected.map((contact) => contact.contactId));
        expect(preview.body.sample.length).toBe(Math.min(10, expected.length));
        expect(
          preview.body.sample.filter((contact: { contactId: string }) => !ids.has(contact.contactId)),
        ).toEqual([]);
      }
    });

    it('saves, lists, previews and deletes a named segment', async () => {
      const definition = { all: ['seeded', 'alpha'], none: ['beta'], blocked: false };
      const saved = await http('POST', url('/segments'), {
        token: agent,
        body: { name: 'Alpha not beta', definition },
      });
      expect(saved.status).toBe(201);
      const { segmentId } = saved.body;
      const clash = await http('POST', url('/segments'), {
        token: agent,
        body: { name: 'ALPHA NOT BETA', definition },
      });
      expect(clash.status).toBe(409);
      const incomplete = await http('POST', url('/segments'), {
        token: agent,
        body: { name: 'No definition' },
      });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.errors.map((error: { field: string }) => error.field)).toContain('definition');
      const listed = await http('GET', url('/segments'), { token: viewer });
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({ segmentId, name: 'Alpha not beta', definition }),
      );
      const preview = await http('GET', url(`/segments/${segmentId}/preview`), { token: viewer });
      expect(preview.body.count).toBe(seeded.filter((contact) => belongs(contact, definition)).length);
      expect((await http('DELETE', url(`/segments/${segmentId}`), { token: agent })).status).toBe(200);
      expect((await http('GET', url(`/segments/${segmentId}`), { token: viewer })).status).toBe(404);
    });

    it('lists contacts by the same filter, page by page, correctly while other contacts change', async () => {
      const definition = { all: ['seeded', 'alpha'], none: ['gamma'] };
      const expected = seeded
        .filter((contact) => belongs(contact, definition))
        .map((contact) => contact.contactId);
      const seen: string[] = [];
      let cursor: string | undefined;
      let page = 0;
      do {
        const query = `all=seeded&all=ALPHA&none=gamma&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const response = await http('GET', url(`/contacts?${query}`), { token: viewer });
        expect(response.status).toBe(200);
        seen.push(...response.body.items.map((contact: { contactId: string }) => contact.contactId));
        cursor = response.body.nextCursor;
        if (page++ === 1) {
          // Contacts outside the filter change and new ones arrive while the listing is paged.
          const outside = seeded.find((contact) => !belongs(contact, definition))!;
          await http('POST', url(`/contacts/${outside.contactId}/tags`), {
            token: agent,
            body: { tags: ['churn'] },
          });
          await createContact(['omega']);
        }
      } while (cursor);
      expect(seen.sort()).toEqual([...expected].sort());
    });

    it('refuses invalid expressions with field errors', async () => {
      for (const [body, field] of [
        [{ all: 'alpha' }, 'all'],
        [{ any: [] }, 'any'],
        [{ none: ['x'.repeat(65)] }, 'none'],
        [{ blocked: 'yes' }, 'blocked'],
        [{ attributes: { 'a.b': 1 } }, 'attributes'],
        [{ everything: true }, 'everything'],
      ] as const) {
        const response = await http('POST', url('/segments/preview'), { token: viewer, body });
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      }
    });
  });

  describe('bulk tagging', () => {
    it('tags a list of contacts as a job with progress', async () => {
      const targets = seeded.slice(0, 20).map((contact) => contact.contactId);
      const started = await http('POST', url('/bulk/tags'), {
        token: agent,
        body: { action: 'add', tags: ['Wave One'], contactIds: [...targets, 'c_missing'] },
      });
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe(`/v1/jobs/${started.body.jobId}`);
      const job = await finishedJob(started.body.jobId);
      expect(job).toMatchObject({ kind: 'bulk-tag', total: 21, processed: 21, changed: 20, skipped: 1 });
      const preview = await http('POST', url('/segments/preview'), {
        token: viewer,
        body: { all: ['wave one'] },
      });
      expect(preview.body.count).toBe(20);
      // The job wrote no contact itself: each change is a step command on the contact's own key,
      // applied by the contact's writer, whose event names that step.
      const steps = probe
        .jsonRecords<{ type: string; commandId: string; contactId: string; payload: { jobId?: string } }>(
          system.topics.contactCommands,
          (command) => command.type === 'contact.job-step' && command.payload.jobId === job.jobId,
        )
        .map(({ record, value }) => ({ key: record.key?.toString(), command: value }));
      expect(steps.map(({ key }) => key).sort()).toEqual(
        [...targets, 'c_missing'].map((contactId) => `${tenant}:${contactId}`).sort(),
      );
      const tagged = probe.json<{ commandId: string; contactId: string; type: string }>(
        system.topics.contactEvents,
        (event) => targets.includes(event.contactId) && event.type === 'ContactTagged',
      );
      const stepOf = new Map(steps.map(({ command }) => [command.contactId, command.commandId]));
      expect(
        tagged
          .filter((event) => event.commandId === stepOf.get(event.contactId))
          .map((event) => event.contactId)
          .sort(),
      ).toEqual([...targets].sort());
    });

    it('tags and untags every contact of a segment', async () => {
      const definition = { all: ['seeded'], any: ['beta', 'delta'], blocked: false };
      const expected = seeded.filter((contact) => belongs(contact, definition)).length;
      const started = await http('POST', url('/bulk/tags'), {
        token: agent,
        body: { action: 'add', tags: ['Wave Two'], segment: definition },
      });
      await finishedJob(started.body.jobId);
      const tagged = await http('POST', url('/segments/preview'), {
        token: viewer,
        body: { all: ['wave two'] },
      });
      expect(tagged.body.count).toBe(expected);
      const untag = await http('POST', url('/bulk/tags'), {
        token: agent,
        body: { action: 'remove', tags: ['wave two'], segment: { all: ['wave two'] } },
      });
      expect((await finishedJob(untag.body.jobId)).changed).toBe(expected);
      const catalog = await http('GET', url('/tags'), { token: viewer });
      expect(catalog.body.items.find((tag: { name: string }) => tag.name === 'Wave Two')?.usage).toBe(0);
    });

    it.each([
      ['no target', { action: 'add', tags: ['x'] }],
      ['two targets', { action: 'add', tags: ['x'], contactIds: ['c_1'], segment: { all: ['alpha'] } }],
      ['an unknown action', { action: 'explode', tags: ['x'], contactIds: ['c_1'] }],
      [
        'over 10,000 ids',
        { action: 'add', tags: ['x'], contactIds: Array.from({ length: 10_001 }, (_, i) => `c_${i}`) },
      ],
    ])('refuses %s with a 400 problem', async (_case, body) => {
      const response = await http('POST', url('/bulk/tags'), { token: agent, body });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors.length).toBeGreaterThan(0);
    });
  });

  describe('campaigns', () => {
    it('publishes one dispatch per recipient and leaves blocked contacts out unless asked', async () => {
      const definition = { all: ['seeded', 'alpha'] };
      const audience = seeded.filter((contact) => belongs(contact, definition));
      const blocked = audience.filter((contact) => contact.blocked);
      const created = await http('POST', url('/campaigns'), {
        token: admin,
        body: { name: 'Alpha news', message: { text: 'Hello alpha' }, segment: definition },
      });
      expect(created.status).toBe(202);
      const { campaignId } = created.body;
      const status = await expectEventually(async () => {
        const campaign = await http('GET', url(`/campaigns/${campaignId}`), { token: viewer });
        expect(campaign.body.status).toBe('dispatched');
        return campaign.body;
      });
      expect(status.counts).toEqual({
        resolved: audience.length,
        published: audience.length - blocked.length,
        excluded: blocked.length,
      });
      const recipients = await expectEventually(() => {
        const records = probe.json<{ campaignId: string; contactId: string; message: { text: string } }>(
          system.topics.campaignDispatch,
          (record) => record.campaignId === campaignId,
        );
        expect(records).toHaveLength(audience.length - blocked.length);
        return records;
      });
      expect(new Set(recipients.map((record) => record.contactId))).toEqual(
        new Set(audience.filter((contact) => !contact.blocked).map((contact) => contact.contactId)),
      );

      const everyone = await http('POST', url('/campaigns'), {
        token: admin,
        body: { name: 'Alpha all', message: { text: 'Hi' }, segment: definition, includeBlocked: true },
      });
      await expectEventually(async () => {
        const campaign = await http('GET', url(`/campaigns/${everyone.body.campaignId}`), { token: viewer });
        expect(campaign.body).toMatchObject({
          status: 'dispatched',
          counts: { resolved: audience.length, published: audience.length, excluded: 0 },
        });
      });
      const noMessage = await http('POST', url('/campaigns'), {
        token: admin,
        body: { name: 'x', segment: {} },
      });
      expect(noMessage.status).toBe(400);
      expect(noMessage.body.errors.map((error: { field: string }) => error.field)).toContain('message');
      expect(
        (
          await http('POST', url('/campaigns'), {
            token: agent,
            body: { name: 'x', message: { text: 'x' }, segment: {} },
          })
        ).status,
      ).toBe(403);
    });
  });

  describe('tenant isolation', () => {
    it('hides tags, segments, jobs and campaigns from other tenants', async () => {
      const tag = await http('POST', url('/tags'), { token: admin, body: { name: 'Private' } });
      const segment = await http('POST', url('/segments'), {
        token: agent,
        body: { name: 'Mine', definition: { all: ['private'] } },
      });
      const job = await http('POST', url('/bulk/tags'), {
        token: agent,
        body: { action: 'add', tags: ['private'], contactIds: [seeded[0].contactId] },
      });
      const campaign = await http('POST', url('/campaigns'), {
        token: admin,
        body: { name: 'Mine', message: { text: 'x' }, segment: { all: ['private'] } },
      });
      await finishedJob(job.body.jobId);
      for (const path of [
        `/tags/${tag.body.tagId}`,
        `/segments/${segment.body.segmentId}`,
        `/segments/${segment.body.segmentId}/preview`,
        `/jobs/${job.body.jobId}`,
        `/campaigns/${campaign.body.campaignId}`,
      ]) {
        const response = await http('GET', url(path), { token: outsider });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      expect(
        (await http('PATCH', url(`/tags/${tag.body.tagId}`), { token: outsider, body: { name: 'Stolen' } }))
          .status,
      ).toBe(404);
      expect((await http('DELETE', url(`/tags/${tag.body.tagId}`), { token: outsider })).status).toBe(404);
      expect(
        (await http('DELETE', url(`/segments/${segment.body.segmentId}`), { token: outsider })).status,
      ).toBe(404);
      const theirs = await http('GET', url('/tags'), { token: outsider });
      expect(theirs.body.items).toEqual([]);
      const theirPreview = await http('POST', url('/segments/preview'), {
        token: outsider,
        body: { all: ['private'] },
      });
      expect(theirPreview.body).toEqual({ count: 0, sample: [] });
      const theirBulk = await http('POST', url('/bulk/tags'), {
        token: outsider,
        body: { action: 'add', tags: ['stolen'], contactIds: [seeded[0].contactId] },
      });
      expect((await finishedJob(theirBulk.body.jobId, outsider)).changed).toBe(0);
      expect((await contactOf(seeded[0].contactId)).tags).not.toContain('stolen');
      expect(
        (await http('GET', url('/tags'), { token: viewer })).body.items.find(
          (t: { name: string }) => t.name === 'Private',
        )?.usage,
      ).toBe(1);
    });
  });
});
