import type { ClassConstructor } from 'class-transformer';
import { ContactProfileFields } from './contact-fields';
import { parseCommand } from './commands/contact-command';
import { parseInboundMessage } from './messages/inbound-message.fast-check';
import { SegmentDefinition } from './segments/segment-fields';
import { RESERVED_KEYS, unstorableInputErrors } from './storable-input';
import { validateContract } from './validation';
import { aContactCommand, anInboundMessage, contractViolationOf } from '@switchboard/testing';

describe('input no contract accepts', () => {
  it('reserves every member of Object.prototype and prototype', () => {
    expect([...RESERVED_KEYS].sort()).toEqual(
      [...Object.getOwnPropertyNames(Object.prototype), 'prototype'].sort(),
    );
  });

  it.each([...RESERVED_KEYS])('refuses the attribute key %s naming it, instead of dropping it', (key) => {
    const plain = JSON.parse(`{"attributes":{"plan":"pro",${JSON.stringify(key)}:"acme"}}`) as object;
    const contracts: ClassConstructor<object>[] = [ContactProfileFields, SegmentDefinition];
    for (const contract of contracts) {
      expect(contractViolationOf(() => validateContract(contract, plain)).fieldErrors).toEqual([
        { field: `attributes.${key}`, messages: [expect.stringContaining('reserved key')] },
      ]);
    }
  });

  it('refuses a reserved key at the top of a body and inside nested classes', () => {
    const topLevel = JSON.parse('{"name":"Ada","toString":"x"}') as object;
    expect(contractViolationOf(() => validateContract(ContactProfileFields, topLevel)).fieldErrors).toEqual([
      { field: 'toString', messages: [expect.stringContaining('reserved key')] },
    ]);
    const nested = JSON.parse(
      '{"match":{"and":[{"tag":"vip"},{"tag":"x","constructor":{"tag":"y"}}]}}',
    ) as object;
    expect(contractViolationOf(() => validateContract(SegmentDefinition, nested)).fieldErrors).toEqual([
      { field: 'match.and.1.constructor', messages: [expect.stringContaining('reserved key')] },
    ]);
  });

  it('refuses a reserved name as the attribute of a segment condition', () => {
    const plain = { match: { or: [{ tag: 'vip' }, { attribute: 'hasOwnProperty', exists: true }] } };
    expect(contractViolationOf(() => validateContract(SegmentDefinition, plain)).fieldErrors).toEqual([
      { field: 'match.or.1.attribute', messages: [expect.stringContaining('none of __proto__')] },
    ]);
  });

  it('refuses U+0000 and unpaired surrogates in any string or key, and keeps surrogate pairs', () => {
    const errors = unstorableInputErrors({ name: 'Ada\u0000', tags: ['ok', 'b\ud800'], ['k\u0000']: 1 });
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'name', messages: [expect.stringContaining('U+0000')] },
        { field: 'tags.1', messages: [expect.stringContaining('unpaired UTF-16 surrogate')] },
        { field: 'k\\u0000', messages: [expect.stringContaining('keys must not contain U+0000')] },
      ]),
    );
    expect(unstorableInputErrors({ name: 'Zoë 😀', tags: ['\u00e9t\u00e9'] })).toEqual([]);
  });

  it('names the payload field of a command, so a rejection says what to fix', () => {
    const command = aContactCommand({ type: 'contact.update', payload: { name: 'Ada\u0000' } });
    expect(contractViolationOf(() => parseCommand(JSON.parse(JSON.stringify(command)))).fieldErrors).toEqual([
      { field: 'payload.name', messages: [expect.stringContaining('U+0000')] },
    ]);
  });

  it('refuses a message whose content carries U+0000 or a reserved key, naming the field', () => {
    const nul = anInboundMessage({ content: { text: 'hi\u0000' } });
    expect(contractViolationOf(() => parseInboundMessage(JSON.stringify(nul))).message).toContain(
      'content.text: must not contain U+0000',
    );
    const reserved = `{${JSON.stringify(anInboundMessage()).slice(1, -1).replace('"content":{', '"content":{"__proto__":{"x":1},')}}`;
    expect(contractViolationOf(() => parseInboundMessage(reserved)).message).toContain('content.__proto__');
    // Written with escapes, as bytes: the fast path's marker scan still finds them.
    const escaped = JSON.stringify(anInboundMessage()).replace(
      '"content":{',
      '"content":{"\\u0063onstructor":1,',
    );
    expect(contractViolationOf(() => parseInboundMessage(Buffer.from(escaped))).message).toContain(
      'content.constructor',
    );
    const surrogate = JSON.stringify(anInboundMessage()).replace('"content":{', '"content":{"t":"\\ud800",');
    expect(contractViolationOf(() => parseInboundMessage(Buffer.from(surrogate))).message).toContain(
      'content.t',
    );
  });
});
