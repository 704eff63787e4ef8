import { EventStreamParser } from './event-stream';

describe('EventStreamParser', () => {
  it('yields each event once its blank line arrives, however the chunks split it', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: contact\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\nevent: messages\ndata: {"items":[]}\n\n')).toEqual([
      { event: 'contact', data: '{"a":1}' },
      { event: 'messages', data: '{"items":[]}' },
    ]);
  });

  it('skips comments and keep-alives, joins data lines, and reads CRLF streams', () => {
    const parser = new EventStreamParser();
    expect(parser.push(': keep-alive\n\n')).toEqual([]);
    expect(parser.push('data: one\r\ndata: two\r\n\r\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
