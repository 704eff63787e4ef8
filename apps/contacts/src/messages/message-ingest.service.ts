import { Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { COMMAND_SCHEMA_VERSION, contactIdFor, type InboundMessage } from '@switchboard/contracts';
import { counter } from '@switchboard/observability';
import { ContactCommandsService } from '../contacts/contact-commands.service';
import { ContactsRepository } from '../contacts/contacts.repository';
import { IdentityClaimsRepository } from '../contacts/identity-claims.repository';
import type { RecentMessage } from './contact-messages.schema';
import { ContactMessagesRepository } from './contact-messages.repository';

/** Namespace of the command ids that create contacts from their first message (UUIDv5). */
const FIRST_MESSAGE_NAMESPACE = '0d6f1b8e-51a3-4bb2-9c55-2b8f0f6b7c21';

const messagesRecorded = counter({
  name: 'switchboard_contact_messages_recorded_total',
  help: 'Inbound messages counted on their contact, by status (accepted, blocked) and outcome',
  labelNames: ['status', 'outcome'] as const,
});

/**
 * Keeps each contact's message counters, `lastMessageAt` and recent history current from
 * the filter's outputs, once per `messageId`; creates the contact of an unknown sender from
 * its first message.
 */
@Injectable()
export class MessageIngestService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly identityClaims: IdentityClaimsRepository,
    private readonly commands: ContactCommandsService,
    private readonly messages: ContactMessagesRepository,
  ) {}

  async record(message: InboundMessage, status: RecentMessage['status']): Promise<void> {
    const contactId = await this.ownerOrCreate(message);
    const recorded = await this.messages.record(message.tenantId, contactId, {
      messageId: message.messageId,
      channel: message.channel,
      from: message.from,
      type: message.type,
      content: message.content,
      sentAt: message.sentAt,
      status,
    });
    messagesRecorded.inc({ status, outcome: recorded ? 'recorded' : 'duplicate' });
  }

  /** The owner of the sender's identity; a first message creates the contact, as a command would. */
  private async ownerOrCreate(message: InboundMessage): Promise<string> {
    const identity = { channel: message.channel, address: message.from };
    const [owner] = (await this.identityClaims.owners(message.tenantId, [identity])).values();
    if (owner) {
      const contact = await this.contacts.find(message.tenantId, owner);
      if (contact && contact.pendingPublications.length === 0) {
        return owner;
      }
      if (contact) {
        // Created from an earlier message whose events are still unpublished (a crash or a
        // broker error in between): publish them now, the command that wrote them is not coming back.
        await this.commands.publishPending(message.tenantId, owner);
        return owner;
      }
    }
    // No contact yet, or a claim left by a create that stopped half-way: create it (idempotently).
    const contactId = owner ?? contactIdFor(message.tenantId, identity);
    await this.commands.handle({
      commandId: uuidv5(`${message.tenantId}\n${message.messageId}`, FIRST_MESSAGE_NAMESPACE),
      tenantId: message.tenantId,
      contactId,
      actor: { id: 'message-ingest', kind: 'system', role: 'agent' },
      issuedAt: new Date().toISOString(),
      type: 'contact.create',
      version: COMMAND_SCHEMA_VERSION,
      payload: { identities: [identity], ...(message.profile?.name && { name: message.profile.name }) },
    });
    const [created] = (await this.identityClaims.owners(message.tenantId, [identity])).values();
    return created ?? contactId;
  }
}
