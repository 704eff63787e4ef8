import { randomUUID } from 'node:crypto';
import {
  COMMAND_SCHEMA_VERSION,
  type BlocklistEntry,
  type ContactCommandEnvelope,
  type Identity,
  type InboundMessage,
} from '@switchboard/contracts';

let sequence = 0;

/** A unique tenant id per call, so tests never see each other's data. */
export function aTenantId(): string {
  return `t-${Date.now().toString(36)}-${(sequence++).toString(36)}-${randomUUID().slice(0, 6)}`;
}

/** A unique E.164 number. */
export function aPhoneNumber(): string {
  const digits = `${Date.now()}${sequence++}`.slice(-10);
  return `+1${digits.padStart(10, '5')}`;
}

export function aWhatsappIdentity(address = aPhoneNumber()): Identity {
  return { channel: 'whatsapp', address };
}

export function aCreateContactRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { identities: [aWhatsappIdentity()], name: 'Ada Lovelace', ...overrides };
}

/** A raw `contacts.commands` value, as another service would publish it. */
export function aContactCommand(
  overrides: Partial<ContactCommandEnvelope> & { payload?: object } = {},
): object {
  return {
    commandId: randomUUID(),
    tenantId: 'acme',
    contactId: `c_${randomUUID().slice(0, 8)}`,
    actor: { id: 'crm-sync', kind: 'service', role: 'agent' },
    issuedAt: new Date().toISOString(),
    type: 'contact.create',
    version: COMMAND_SCHEMA_VERSION,
    payload: { identities: [aWhatsappIdentity()] },
    ...overrides,
  };
}

export function anInboundMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    messageId: `m-${randomUUID()}`,
    tenantId: 'acme',
    channel: 'whatsapp',
    from: aPhoneNumber(),
    to: '+14155550100',
    type: 'text',
    content: { text: 'hello' },
    sentAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A blocklist entry as the contacts service publishes it. */
export function aBlocklistEntry(overrides: Partial<BlocklistEntry> = {}): BlocklistEntry {
  return {
    tenantId: 'acme',
    contactId: 'c_blocked',
    channel: 'whatsapp',
    address: aPhoneNumber(),
    blockedAt: new Date().toISOString(),
    blockedBy: 'agent-1',
    contactVersion: 2,
    ...overrides,
  };
}

/** A raw tenant command (catalog, segments, campaigns, bulk jobs) as another service would publish it. */
export function aTenantCommand(
  type: string,
  subject: string,
  payload: object,
  overrides: Record<string, unknown> = {},
): object {
  return {
    commandId: randomUUID(),
    tenantId: 'acme',
    subject,
    actor: { id: 'admin-ops', kind: 'agent', role: 'admin' },
    issuedAt: new Date().toISOString(),
    type,
    version: COMMAND_SCHEMA_VERSION,
    payload,
    ...overrides,
  };
}
