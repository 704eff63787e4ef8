import { randomUUID } from 'node:crypto';
import { ContractViolationError } from '@switchboard/contracts';
import { PoisonRecordError } from '@switchboard/kafka';
import { aContactCommand, aTenantCommand } from '@switchboard/testing';
import { CONTACTS_SERVICE_ACTOR, deadLetteredCommand, deadLetterRejection } from './dead-lettered-commands';

const recordOf = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('deadLetteredCommand', () => {
  it('reads the ids, actor and contact of a contact command', () => {
    const command = aContactCommand({ payload: { bogus: true } }) as Record<string, unknown>;
    expect(deadLetteredCommand(recordOf(command))).toEqual({
      commandId: command.commandId,
      tenantId: 'acme',
      actor: command.actor,
      type: 'contact.create',
      contactId: command.contactId,
    });
  });

  it('reads the subject of a tenant command', () => {
    const command = aTenantCommand('tag.update', 'tags', {}) as Record<string, unknown>;
    expect(deadLetteredCommand(recordOf(command))).toMatchObject({ subject: 'tags', type: 'tag.update' });
  });

  it('names neither contact nor subject, an unknown type and the service as actor when they are unreadable', () => {
    const answered = deadLetteredCommand(
      recordOf({ commandId: randomUUID(), tenantId: 'acme', contactId: 'a b', type: 'x', actor: 'me' }),
    );
    expect(answered).toMatchObject({ type: 'unknown', actor: CONTACTS_SERVICE_ACTOR });
    expect(answered).not.toHaveProperty('contactId');
    expect(answered).not.toHaveProperty('subject');
  });

  it.each([
    ['bytes that are not JSON', Buffer.from('{')],
    ['no value', null],
    ['a JSON array', recordOf([1])],
    ['a command id that is not a UUID', recordOf({ commandId: '42', tenantId: 'acme' })],
    ['a tenant id with a key separator', recordOf({ commandId: randomUUID(), tenantId: 'acme:x' })],
  ])('answers nobody for %s', (_case, value) => {
    expect(deadLetteredCommand(value)).toBeUndefined();
  });
});

describe('deadLetterRejection', () => {
  it('rejects a contract violation as validation-failed with its field errors', () => {
    const error = new ContractViolationError('payload is invalid', [
      { field: 'payload.x', messages: ['no'] },
    ]);
    expect(deadLetterRejection(error)).toEqual({
      code: 'validation-failed',
      reason: 'payload is invalid',
      fieldErrors: [{ field: 'payload.x', messages: ['no'] }],
    });
  });

  it('keeps the code of a poison record error when it is one of ours', () => {
    expect(deadLetterRejection(new PoisonRecordError('contact-not-found', 'gone'))).toEqual({
      code: 'contact-not-found',
      reason: 'gone',
    });
  });

  it('rejects anything else as command-failed, without the error’s own message', () => {
    const rejection = deadLetterRejection(new TypeError('secret internals'));
    expect(rejection.code).toBe('command-failed');
    expect(rejection.reason).not.toContain('secret internals');
    expect(rejection.reason).toContain('TypeError');
  });
});
