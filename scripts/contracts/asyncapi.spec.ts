import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  BlockedMessage,
  BlocklistEntry,
  CampaignDispatch,
  FilterProgress,
  InboundMessage,
  parseCommand,
  parseContactEvent,
  validateContract,
} from '@switchboard/contracts';
import { aBlocklistEntry, aContactCommand, anInboundMessage, aTenantCommand } from '@switchboard/testing';
import { asyncApiDocument } from './asyncapi';

const committed = JSON.parse(readFileSync(resolve(__dirname, '../../docs/asyncapi.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** Whether a value passes its contract class, as our consumers decide. */
const classVerdicts: Record<string, (value: unknown) => unknown> = {
  command: parseCommand,
  event: parseContactEvent,
  InboundMessage: (value) => validateContract(InboundMessage, value),
  BlockedMessage: (value) => validateContract(BlockedMessage, value),
  BlocklistEntry: (value) => validateContract(BlocklistEntry, value),
  FilterProgress: (value) => validateContract(FilterProgress, value),
  CampaignDispatch: (value) => validateContract(CampaignDispatch, value),
};

const passes = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

const anEvent = (overrides: Record<string, unknown> = {}) => ({
  eventId: '0b6c3f7e-2a1d-4c5b-9e8f-7a6b5c4d3e2f',
  commandId: '1c7d4a8f-3b2e-4d6c-8f9a-0b1c2d3e4f5a',
  tenantId: 'acme',
  contactId: 'c_ada',
  actor: { id: 'agent-1', kind: 'agent', role: 'agent' },
  occurredAt: '2026-11-25T10:00:00.000Z',
  type: 'NoteAdded',
  version: 1,
  payload: {
    note: {
      noteId: 'n_1',
      contactId: 'c_ada',
      authorId: 'agent-1',
      body: 'called back',
      createdAt: '2026-11-25T10:00:00.000Z',
      updatedAt: '2026-11-25T10:00:00.000Z',
    },
    changed: true,
  },
  ...overrides,
});

const aBlockedPayload = () => ({
  contact: {
    tenantId: 'acme',
    contactId: 'c_ada',
    identities: [{ channel: 'whatsapp', address: '+14155550123' }],
    attributes: {},
    tags: [],
    block: { blocked: true, blockedAt: '2026-11-25T10:00:00.000Z', blockedBy: 'agent-1', reason: 'spam' },
    version: 2,
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
  },
  changed: true,
  changedFields: ['block'],
  reason: 'spam',
  changes: {
    block: {
      before: { blocked: false },
      after: { blocked: true, blockedAt: '2026-11-25T10:00:00.000Z', blockedBy: 'agent-1', reason: 'spam' },
    },
  },
});

/** [what, message, kind of class check, value]: valid and invalid records of every topic. */
const samples: [string, string, string, unknown][] = [
  ['a create command', 'contact.create', 'command', aContactCommand()],
  [
    'a profile update clearing a field',
    'contact.update',
    'command',
    aContactCommand({ type: 'contact.update', payload: { name: null, attributes: { plan: 'pro' } } }),
  ],
  [
    'a tag command',
    'contact.tag',
    'command',
    aContactCommand({ type: 'contact.tag', payload: { tags: ['vip'] } }),
  ],
  [
    'a tag creation',
    'tag.create',
    'command',
    aTenantCommand('tag.create', 'tags', { tagId: 't_1', name: 'VIP' }),
  ],
  [
    'a bulk job over a segment',
    'bulk.tag',
    'command',
    aTenantCommand('bulk.tag', 'job:j_1', {
      jobId: 'j_1',
      action: 'add',
      tags: ['x'],
      segment: { all: ['vip'] },
    }),
  ],
  [
    'a campaign',
    'campaign.create',
    'command',
    aTenantCommand('campaign.create', 'campaign:c_1', {
      campaignId: 'c_1',
      name: 'Spring',
      message: { text: 'Hi' },
      segmentId: 's_1',
    }),
  ],
  ['a command with an unknown field', 'contact.create', 'command', { ...aContactCommand(), sneaky: true }],
  [
    'a command without a command id',
    'contact.create',
    'command',
    { ...aContactCommand(), commandId: undefined },
  ],
  [
    'a command of a bad tenant id',
    'contact.create',
    'command',
    aContactCommand({ tenantId: 'Not A Tenant' }),
  ],
  [
    'a tag command without tags',
    'contact.tag',
    'command',
    aContactCommand({ type: 'contact.tag', payload: {} }),
  ],
  [
    'a tag creation with a null name',
    'tag.create',
    'command',
    aTenantCommand('tag.create', 'tags', { tagId: 't_1', name: null }),
  ],
  [
    'a campaign without a message',
    'campaign.create',
    'command',
    aTenantCommand('campaign.create', 'campaign:c_1', { campaignId: 'c_1', name: 'x', segment: {} }),
  ],
  ['an event', 'NoteAdded', 'event', anEvent()],
  ['an event of a wrong version', 'NoteAdded', 'event', anEvent({ version: 'one' })],
  [
    'an event with a payload field too many',
    'NoteAdded',
    'event',
    anEvent({ payload: { ...anEvent().payload, extra: 1 } }),
  ],
  ['a tag merge', 'tag.merge', 'command', aTenantCommand('tag.merge', 'tags', { tagId: 't_1', into: 't_2' })],
  [
    'a block event with its reason and changes',
    'ContactBlocked',
    'event',
    anEvent({ type: 'ContactBlocked', payload: aBlockedPayload() }),
  ],
  [
    'a block event whose change lacks the state after',
    'ContactBlocked',
    'event',
    anEvent({
      type: 'ContactBlocked',
      payload: { ...aBlockedPayload(), changes: { block: { before: { blocked: false } } } },
    }),
  ],
  [
    'a profile event clearing a field',
    'ContactUpdated',
    'event',
    anEvent({
      type: 'ContactUpdated',
      payload: {
        ...aBlockedPayload(),
        reason: undefined,
        changedFields: ['name'],
        changes: { name: { before: 'Ada', after: null } },
      },
    }),
  ],
  ['an inbound message', 'InboundMessage', 'InboundMessage', anInboundMessage()],
  [
    'an inbound message of an unknown type',
    'InboundMessage',
    'InboundMessage',
    { ...anInboundMessage(), type: 'hologram' },
  ],
  [
    'an inbound message without content',
    'InboundMessage',
    'InboundMessage',
    { ...anInboundMessage(), content: undefined },
  ],
  [
    'a dropped message',
    'BlockedMessage',
    'BlockedMessage',
    {
      message: anInboundMessage(),
      block: { contactId: 'c_1', blockedAt: '2026-11-25T10:00:00Z', blockedBy: 'agent-1' },
      droppedAt: '2026-11-25T10:00:01Z',
    },
  ],
  [
    'a dropped message without its block',
    'BlockedMessage',
    'BlockedMessage',
    { message: anInboundMessage(), droppedAt: '2026-11-25T10:00:01Z' },
  ],
  ['a blocklist entry', 'BlocklistEntry', 'BlocklistEntry', aBlocklistEntry()],
  [
    'a blocklist entry with a string version',
    'BlocklistEntry',
    'BlocklistEntry',
    aBlocklistEntry({ contactVersion: '2' as never }),
  ],
  [
    'a filter report',
    'FilterProgress',
    'FilterProgress',
    {
      instanceId: 'filter-1',
      appliedOffsets: { '0': '12' },
      loaded: true,
      reportedAt: '2026-11-25T10:00:00Z',
      host: 'h',
    },
  ],
  [
    'a campaign recipient',
    'CampaignDispatch',
    'CampaignDispatch',
    {
      dispatchId: '2d8e5b9a-4c3f-4e7d-9a0b-1c2d3e4f5a6b',
      campaignId: 'c_1',
      tenantId: 'acme',
      contactId: 'c_ada',
      identities: [{ channel: 'whatsapp', address: '+14155550123' }],
      message: { text: 'Hi' },
      createdAt: '2026-11-25T10:00:00Z',
    },
  ],
];

describe('the AsyncAPI document and the contract classes', () => {
  it('is up to date with the classes (regenerate it with `npm run contracts`)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
  });

  it('is a valid AsyncAPI 3 document', async () => {
    // The parser gives no document when the input has errors.
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(committed));
    expect(document ? [] : diagnostics.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual(
      [],
    );
  });

  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...committed, $id: 'asyncapi' });

  it.each(samples)('agrees with the classes on %s', (_what, messageName, kind, value) => {
    const validate = ajv.getSchema(`asyncapi#/components/messages/${messageName}/payload`)!;
    const plain: unknown = JSON.parse(JSON.stringify(value));
    expect({ schema: validate(plain) }).toEqual({ schema: passes(() => classVerdicts[kind](plain)) });
  });
});
