import { aContactCommand, contractViolationOf } from '@switchboard/testing';
import { parseCommand } from './commands/contact-command';
import { ContractViolationError, parseJson } from './validation';

describe('contact command contract', () => {
  it('parses a valid command into its typed payload', () => {
    const command = parseCommand(aContactCommand({ type: 'contact.block', payload: { reason: 'spam' } }));
    expect(command).toMatchObject({ type: 'contact.block', payload: { reason: 'spam' } });
  });

  it('names payload fields with their path', () => {
    const error = contractViolationOf(() =>
      parseCommand(aContactCommand({ payload: { identities: [{ channel: 'whatsapp', address: '0800' }] } })),
    );
    expect(error.fieldErrors.map((fieldError) => fieldError.field)).toEqual(['payload.identities.0.address']);
  });

  it.each([
    ['an unknown schema version', { version: 2 }],
    ['an unknown type', { type: 'contact.delete' }],
    ['a tenant id with a key separator', { tenantId: 'acme:evil' }],
    ['a command id that is not a UUID', { commandId: '42' }],
    ['an unknown envelope field', { priority: 'high' }],
  ])('refuses %s', (_case, overrides) => {
    expect(() => parseCommand(aContactCommand(overrides as never))).toThrow(ContractViolationError);
  });

  it.each([
    ['keys with a dot', { 'a.b': 1 }],
    ['keys starting with $', { $where: 1 }],
    ['nested objects', { nested: { a: 1 } }],
    ['non-finite numbers', { n: Number.POSITIVE_INFINITY }],
    ['strings over 1024 characters', { long: 'x'.repeat(1025) }],
  ])('refuses attributes with %s', (_case, attributes) => {
    expect(() =>
      parseCommand(
        aContactCommand({ payload: { identities: [{ channel: 'email', address: 'a@b.c' }], attributes } }),
      ),
    ).toThrow(ContractViolationError);
  });

  it('reports bytes that are not JSON as a violation', () => {
    expect(() => parseJson(Buffer.from('{'))).toThrow(ContractViolationError);
    expect(() => parseJson(null)).toThrow(ContractViolationError);
  });
});
