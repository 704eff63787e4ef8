import { validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { AddNotePayload } from '../commands/command-payloads';
import { MENTION_EXCERPT_MAX_LENGTH, mentionedActorIds, mentionExcerpt, newMentions } from './mentions';

describe('note mentions', () => {
  it.each([
    ['@agent-7 please call back', ['agent-7']],
    ['ask @agent-7, @agent-8 and (@admin_1)', ['agent-7', 'agent-8', 'admin_1']],
    ['thanks @agent-7.', ['agent-7']],
    ['thanks @agent-7... later', ['agent-7']],
    ['@john.doe knows', ['john.doe']],
    ['cc @ops@acme.com.', ['ops@acme.com']],
    ['@agent-7 and again @agent-7', ['agent-7']],
    ['first line\n@agent-7: see above', ['agent-7']],
  ])('finds the agents %j mentions', (body, expected) => {
    expect(mentionedActorIds(body)).toEqual(expected);
  });

  it.each([
    ['write to bob@acme.com', 'an e-mail address'],
    ['@@agent-7', 'a doubled @'],
    ['x@agent-7', 'an @ inside a word'],
    ['an @ alone', 'a lone @'],
    ['@-agent', 'an id that starts with a dash'],
    ['@.', 'a dot'],
    [`@${'a'.repeat(129)}`, 'an id longer than 128 characters'],
  ])('mentions nobody in %j (%s)', (body) => {
    expect(mentionedActorIds(body)).toEqual([]);
  });

  it('keeps ids case-sensitive, as actor ids are', () => {
    expect(mentionedActorIds('@Agent-7 @agent-7')).toEqual(['Agent-7', 'agent-7']);
  });

  it('notifies on an edit only agents the previous body did not mention, never the writer', () => {
    expect(newMentions('@bob @carol @ada', '@bob was here', 'ada')).toEqual(['carol']);
    expect(newMentions('@bob @ada', undefined, 'ada')).toEqual(['bob']);
    expect(newMentions('@bob', '@bob', 'ada')).toEqual([]);
  });

  it('cuts a long body to an excerpt around the first mention', () => {
    const body = `${'a'.repeat(5_000)} ping @agent-7 about it ${'b'.repeat(5_000)}`;
    const excerpt = mentionExcerpt(body, 'agent-7');
    expect(excerpt).toContain('@agent-7 about it');
    expect(excerpt.startsWith('…') && excerpt.endsWith('…')).toBe(true);
    expect(excerpt.length).toBeLessThanOrEqual(MENTION_EXCERPT_MAX_LENGTH + 2);
    expect(mentionExcerpt('short @agent-7', 'agent-7')).toBe('short @agent-7');
  });

  it('refuses a note body that mentions more than 20 agents', () => {
    const mentions = (count: number) =>
      Array.from({ length: count }, (_, index) => `@agent-${index}`).join(' ');
    const errors = (body: string) =>
      validateSync(plainToInstance(AddNotePayload, { noteId: 'n_1', body })).map(
        (error) => error.constraints,
      );
    expect(errors(mentions(20))).toEqual([]);
    expect(errors(mentions(21))).toEqual([{ hasMentionsAtMost: 'a note may mention at most 20 agents' }]);
  });
});
