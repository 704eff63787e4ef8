import { randomBytes, randomUUID } from 'node:crypto';
import {
  COMMAND_SCHEMA_VERSION,
  commandKey,
  isTenantCommandType,
  tenantCommandSubject,
  type Actor,
  type CommandType,
  type TenantCommandBody,
} from '@switchboard/contracts';
import { aWhatsappIdentity } from '@switchboard/testing';

const shortId = () => randomUUID().replaceAll('-', '').slice(0, 12);
/** Credentials in the sealed form the contract takes: `v1.<iv>.<ciphertext>.<tag>`, base64url. */
const aSeal = () =>
  ['v1', randomBytes(12), randomBytes(24), randomBytes(16)]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');

/**
 * A payload the contract accepts for every command type. Typed by the list of command types,
 * so a new type does not compile until it has one here (and so gets the suites that use it).
 */
const validPayloads: Record<CommandType, () => object> = {
  'contact.create': () => ({ identities: [aWhatsappIdentity()] }),
  'contact.block': () => ({ reason: 'spam' }),
  'contact.unblock': () => ({}),
  'contact.update': () => ({ name: 'Ada' }),
  'contact.tag': () => ({ tags: ['vip'] }),
  'contact.untag': () => ({ tags: ['vip'] }),
  'note.add': () => ({ noteId: `n_${shortId()}`, body: 'called back' }),
  'note.edit': () => ({ noteId: `n_${shortId()}`, body: 'called back twice' }),
  'note.delete': () => ({ noteId: `n_${shortId()}` }),
  'note.pin': () => ({ noteId: `n_${shortId()}` }),
  'note.unpin': () => ({ noteId: `n_${shortId()}` }),
  'contact.job-step': () => ({ jobId: `j_${shortId()}` }),
  'contact.block-expiry': () => ({
    blockedAt: '2026-12-01T09:00:00.000Z',
    until: '2026-12-01T10:00:00.000Z',
  }),
  'tag.create': () => ({ tagId: `t_${shortId()}`, name: `tag ${shortId()}` }),
  'tag.update': () => ({ tagId: `t_${shortId()}`, colour: '#112233' }),
  'tag.delete': () => ({ tagId: `t_${shortId()}` }),
  'tag.merge': () => ({ tagId: `t_${shortId()}`, into: `t_${shortId()}` }),
  'bulk.tag': () => ({ jobId: `j_${shortId()}`, action: 'add', tags: ['vip'], contactIds: ['c_1'] }),
  'bulk.block': () => ({ jobId: `j_${shortId()}`, action: 'block', contactIds: ['c_1'] }),
  'settings.block-policy': () => ({ whoMayBlock: 'agents', reasonRequired: false }),
  'settings.phone-numbers': () => ({ defaultCountry: 'US' }),
  // As another service could only send them: sealed by no gateway's key, so no webhook opens them.
  'settings.whatsapp-credentials': () => ({ sealed: aSeal() }),
  'settings.twilio-credentials': () => ({ sealed: aSeal() }),
  'segment.save': () => ({
    segmentId: `s_${shortId()}`,
    name: `seg ${shortId()}`,
    definition: { all: ['vip'] },
  }),
  'segment.delete': () => ({ segmentId: `s_${shortId()}` }),
  'campaign.create': () => ({
    campaignId: `c_${shortId()}`,
    name: 'Spring',
    message: { text: 'Hello!' },
    segment: { all: ['vip'] },
  }),
};

export const AllCommandTypes = Object.keys(validPayloads) as CommandType[];

/** A `contacts.commands` record another service could publish, keyed as the contract says. */
export interface CommandRecord {
  key: string;
  value: Record<string, unknown>;
}

/** A command of `type` that passes its contract, from `actor`, with its key. */
export function aValidCommand(
  type: CommandType,
  { tenantId, actor }: { tenantId: string; actor: Actor },
  payload: object = validPayloads[type](),
): CommandRecord {
  const about = isTenantCommandType(type)
    ? { subject: tenantCommandSubject({ type, payload } as TenantCommandBody) }
    : { contactId: `c_${shortId()}` };
  const value = {
    commandId: randomUUID(),
    tenantId,
    ...about,
    actor,
    issuedAt: new Date().toISOString(),
    type,
    version: COMMAND_SCHEMA_VERSION,
    payload,
  };
  return { key: commandKey({ tenantId, ...about }), value };
}

/** A command of `type` whose envelope is sound and whose payload its contract refuses. */
export function aCommandItsContractRefuses(
  type: CommandType,
  sender: { tenantId: string; actor: Actor },
): CommandRecord {
  return aValidCommand(type, sender, { ...validPayloads[type](), unexpectedField: true });
}
