import { Inject, Injectable } from '@nestjs/common';
import {
  COMMAND_SCHEMA_VERSION,
  contactKey,
  tagNameKey,
  type Actor,
  type ContactCommand,
  type ContactCommandOf,
  type TopicNames,
} from '@switchboard/contracts';
import { TOPICS } from '@switchboard/kafka';
import { CommandOutcomes, commandsHandled } from '../commands/command-outcomes';
import type { Contact } from '../contacts/contact.schema';
import { NotesRepository } from '../notes/notes.repository';
import { decideNote, noteChangeOf, type NoteCommand } from '../notes/note-decisions';
import { mentionEvents, notePayloadOf } from '../notes/note-publications';
import { TagCatalogRepository } from '../tags/tag-catalog.repository';
import type { Tag } from '../tags/tag.schema';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { blockPolicyRefusal, decideBlock } from '../contacts/block-decisions';
import {
  decideAddTags,
  decideCreate,
  decideUnblock,
  decideUntag,
  decideUpdate,
  type Decision,
  type Rejection,
} from '../contacts/contact-decisions';
import { tagUsageDeltas } from '../contacts/tag-usage';
import {
  blocklistRecords,
  commandReason,
  contactEvent,
  eventRecord,
  noteEvent,
} from '../contacts/contact-publications';
import { ContactsRepository } from '../contacts/contacts.repository';
import { IdentityClaimsRepository } from '../contacts/identity-claims.repository';
import type { ContactWriteBatch } from './contact-write-batch';

/** How a change to one contact ended. */
export type ChangeOutcome = { kind: 'changed' | 'unchanged' | 'redelivered' } | Rejection;

/** A change a background job makes to one contact, applied once per `stepId`. */
export interface JobStep {
  stepId: string;
  tenantId: string;
  actor: Actor;
  /** Why, when the job was given a reason: its events carry it. */
  reason?: string;
  /** The command the step stands for (a bulk or automatic block or unblock, with its reason). */
  command?:
    | Pick<ContactCommandOf<'contact.block'>, 'type' | 'payload'>
    | Pick<ContactCommandOf<'contact.unblock'>, 'type' | 'payload'>;
}

/**
 * Applies contact commands at most once to state; their events are published at least once.
 * It is called only by the consumer of the contact's partition of `contacts.commands`, one
 * command of a contact at a time (job steps and block expiries are commands there too), within
 * a batch of the partition (ContactWriteBatch): the contact has one writer, and nothing here
 * locks.
 *
 * Without transactions: the state change, the applied command id and the records to publish
 * are one conditional write to the contact's document (an outbox inside it). The batch's
 * outboxes are published when the batch ends (ContactWriteEngine) and emptied once acknowledged; a
 * redelivered command finds its id already applied, and whatever is still pending goes out with
 * its batch, or its recorded outcome is published again.
 */
@Injectable()
export class ContactCommands {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly identityClaims: IdentityClaimsRepository,
    private readonly commandOutcomes: CommandOutcomes,
    private readonly notes: NotesRepository,
    private readonly catalog: TagCatalogRepository,
    private readonly tenantSettings: TenantSettingsRepository,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  async update(command: ContactCommandOf<'contact.update'>, batch: ContactWriteBatch): Promise<void> {
    return this.apply(command, command.contactId, batch, (current) => decideUpdate(command, current));
  }

  async untag(command: ContactCommandOf<'contact.untag'>, batch: ContactWriteBatch): Promise<void> {
    return this.apply(command, command.contactId, batch, (current) => decideUntag(command, current));
  }

  /** Blocks and unblocks are held to the tenant's block policy, whoever sent them. */
  async changeBlock(
    command: ContactCommandOf<'contact.block' | 'contact.unblock'>,
    batch: ContactWriteBatch,
  ): Promise<void> {
    const policy = await batch.readOnce(`block-policy:${command.tenantId}`, () =>
      this.tenantSettings.blockPolicy(command.tenantId),
    );
    const action = command.type === 'contact.block' ? 'block' : 'unblock';
    const refusal = blockPolicyRefusal(policy, command.actor, action, command.payload.reason);
    // Decided inside, after the applied-ids check: a redelivery stays applied under a newer policy.
    return this.apply(command, command.contactId, batch, (current, now) => {
      if (refusal) {
        return refusal;
      }
      return command.type === 'contact.block'
        ? decideBlock(command, current, now)
        : decideUnblock(command, current);
    });
  }

  /** Unknown tags join the tenant's catalog first; the contact then carries their catalog spelling. */
  async tag(command: ContactCommandOf<'contact.tag'>, batch: ContactWriteBatch): Promise<void> {
    // Known tags are looked up only; unknown ones are created, and only for a contact that exists.
    const known = new Map<string, Tag>();
    const found = await Promise.all(
      command.payload.tags.map((name) =>
        batch.readOnce(`tag:${command.tenantId}:${tagNameKey(name)}`, () =>
          this.catalog.findByName(command.tenantId, name),
        ),
      ),
    );
    for (const tag of found) {
      if (tag) {
        known.set(tag.nameKey, tag);
      }
    }
    const allKnown = command.payload.tags.every((name) => known.has(tagNameKey(name)));
    if (!allKnown && !(await batch.find(command.tenantId, command.contactId))) {
      return this.commandOutcomes.reject(
        command,
        'contact-not-found',
        `contact ${command.contactId} does not exist`,
      );
    }
    const tags = allKnown
      ? command.payload.tags.map((name) => {
          const { tagId, name: spelling } = known.get(tagNameKey(name))!;
          return { tagId, name: spelling };
        })
      : await this.catalog.ensure(command.tenantId, command.payload.tags, new Date());
    return this.apply(command, command.contactId, batch, (current) =>
      decideAddTags(current, command.contactId, tags),
    );
  }

  async create(command: ContactCommandOf<'contact.create'>, batch: ContactWriteBatch): Promise<void> {
    const { tenantId, payload } = command;
    const owners = new Set((await this.identityClaims.owners(tenantId, payload.identities)).values());
    if (owners.size > 1) {
      return this.commandOutcomes.reject(
        command,
        'identity-conflict',
        'the identities belong to different contacts',
      );
    }
    // Upsert by identity: a known identity decides which contact this is.
    const contactId = [...owners][0] ?? command.contactId;
    for (const identity of payload.identities) {
      const owner = await this.identityClaims.claim(tenantId, identity, contactId);
      if (owner !== contactId) {
        return this.commandOutcomes.reject(
          command,
          'identity-conflict',
          `identity ${identity.channel}:${identity.address} belongs to another contact`,
        );
      }
    }
    return this.apply(command, contactId, batch, (current) => decideCreate(command, current));
  }

  private async apply(
    command: ContactCommand,
    contactId: string,
    batch: ContactWriteBatch,
    decide: (current: Contact | null, now: Date) => Decision,
  ): Promise<void> {
    const outcome = await this.applyOnce(command, contactId, batch, decide, {
      recordNoOps: true,
      reason: commandReason(command),
    });
    if (outcome.kind === 'rejected') {
      return this.commandOutcomes.reject(command, outcome.code, outcome.reason);
    }
    commandsHandled.inc({
      type: command.type,
      outcome: outcome.kind === 'changed' ? 'applied' : outcome.kind,
    });
  }

  /**
   * Applies one background-job change to a contact, like a command: at most once per step id,
   * with its event published at least once. A job step that changes nothing writes nothing,
   * and a refused one (a contact at the tag limit) is reported to the job, not published.
   */
  applyJobStep(
    step: JobStep,
    contactId: string,
    batch: ContactWriteBatch,
    decide: (current: Contact | null, now: Date) => Decision,
  ): Promise<ChangeOutcome> {
    const cause: ContactCommand = {
      commandId: step.stepId,
      tenantId: step.tenantId,
      contactId,
      actor: step.actor,
      issuedAt: new Date().toISOString(),
      version: COMMAND_SCHEMA_VERSION,
      ...(step.command ?? { type: 'contact.update', payload: {} }),
    };
    return this.applyOnce(cause, contactId, batch, decide, { recordNoOps: false, reason: step.reason });
  }

  private async applyOnce(
    command: ContactCommand,
    contactId: string,
    batch: ContactWriteBatch,
    decide: (current: Contact | null, now: Date) => Decision,
    { recordNoOps, reason }: { recordNoOps: boolean; reason?: string },
  ): Promise<ChangeOutcome> {
    const { tenantId, commandId } = command;
    for (;;) {
      // An identity's owner a create resolved to may be keyed to another partition.
      const current = await batch.find(tenantId, contactId, { foreign: contactId !== command.contactId });
      if (current?.appliedCommandIds.includes(commandId)) {
        return { kind: 'redelivered' }; // what it left pending goes out with the batch
      }
      const now = new Date();
      const decision = decide(current, now);
      if (decision.kind === 'rejected') {
        return decision;
      }
      if (!decision.changed && !recordNoOps) {
        return { kind: 'unchanged' };
      }
      const next = nextState(current, tenantId, contactId, decision, now);
      const changedFields = decision.changed
        ? Object.entries(decision.changes)
            // `tagIds` is how the store keeps `tags`, not a field of the contact's public view.
            .filter(([field]) => field !== 'tagIds')
            .filter(([, value]) => value !== undefined || decision.eventType !== 'ContactCreated')
            .map(([field]) => field)
        : [];
      const event = eventRecord(
        this.topics,
        contactEvent(command, decision.eventType, next, changedFields, now, { before: current, reason }),
      );
      const usage = tagUsageDeltas(current, next);
      const publication = {
        commandId,
        records: [...blocklistRecords(this.topics, current, next), event],
        ...(usage.size > 0 && { usageDeltas: Object.fromEntries(usage) }),
      };
      const written = current
        ? await this.contacts.updateIfUnchanged(current, decision.changes, commandId, publication, now)
        : await this.contacts.insert(tenantId, contactId, decision.changes, commandId, publication, now);
      if (!written) {
        batch.forget(tenantId, contactId);
        continue; // someone wrote the contact since we read it: decide again on the new state
      }
      batch.wrote(written);
      return { kind: decision.changed ? 'changed' : 'unchanged' };
    }
  }

  /**
   * Note commands change the note's own document (idempotently, by command id, with the
   * revision of its history in the same write), then record the command and its events on the
   * contact like every other command: the `NoteMentioned` events of the agents it newly mentions
   * and, last, its outcome. Both are built from the note as stored, so a redelivery after a
   * crash builds the same ones (mention event ids are derived from the command id).
   */
  async applyNote(command: NoteCommand, batch: ContactWriteBatch): Promise<void> {
    const { tenantId, contactId, commandId } = command;
    const eventType = (
      {
        'note.add': 'NoteAdded',
        'note.edit': 'NoteEdited',
        'note.delete': 'NoteDeleted',
        'note.pin': 'NotePinned',
        'note.unpin': 'NoteUnpinned',
      } as const
    )[command.type];
    for (;;) {
      const contact = await batch.find(tenantId, contactId);
      if (!contact) {
        return this.commandOutcomes.reject(
          command,
          'contact-not-found',
          `contact ${contactId} does not exist`,
        );
      }
      if (contact.appliedCommandIds.includes(commandId)) {
        return; // what it left pending goes out with the batch
      }
      const now = new Date();
      const current = await this.notes.find(tenantId, command.payload.noteId);
      if (!current?.appliedCommandIds.includes(commandId)) {
        const pinnedCount =
          command.type === 'note.pin' ? await this.notes.countPinned(tenantId, contactId) : 0;
        const decision = decideNote(command, current, now, { pinnedCount });
        if (decision.kind === 'rejected') {
          return this.commandOutcomes.reject(command, decision.code, decision.reason);
        }
        const written =
          decision.kind === 'insert'
            ? await this.notes.insert(decision.note)
            : await this.notes.updateIfUnchanged(current!, decision.changes, commandId);
        if (!written) {
          if (decision.kind === 'insert') {
            return this.commandOutcomes.reject(
              command,
              'validation-failed',
              `note id ${command.payload.noteId} is already used`,
            );
          }
          continue;
        }
      }
      const note = (await this.notes.find(tenantId, command.payload.noteId))!;
      const change = noteChangeOf(note, commandId);
      const event = eventRecord(this.topics, noteEvent(command, eventType, notePayloadOf(note, change), now));
      const mentions = mentionEvents(command, note, change, now).map((mention) =>
        eventRecord(this.topics, mention),
      );
      // The event last: the outbox publishes a publication's last record as its outcome.
      const publication = { commandId, records: [...mentions, event] };
      const written = await this.contacts.updateIfUnchanged(contact, {}, commandId, publication, now);
      if (!written) {
        batch.forget(tenantId, contactId);
        continue; // the note part is done and recognised on the next pass
      }
      batch.wrote(written);
      commandsHandled.inc({ type: command.type, outcome: change.revision ? 'applied' : 'unchanged' });
      return;
    }
  }
}

function nextState(
  current: Contact | null,
  tenantId: string,
  contactId: string,
  decision: Extract<Decision, { kind: 'apply' }>,
  now: Date,
): Contact {
  const base: Contact = current ?? {
    _id: contactKey(tenantId, contactId),
    tenantId,
    contactId,
    identities: [],
    attributes: {},
    tags: [],
    tagIds: [],
    block: { blocked: false },
    version: 0,
    appliedCommandIds: [],
    pendingPublications: [],
    createdAt: now,
    updatedAt: now,
  };
  return { ...base, ...decision.changes, version: base.version + 1, updatedAt: now };
}
