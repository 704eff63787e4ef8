/** One server-sent event. */
export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into events (the WHATWG format: `event:` and `data:` lines, a
 * blank line ends an event, `:` lines are comments). Feed it chunks as they arrive; it returns
 * the events completed so far and keeps the rest.
 */
export class EventStreamParser {
  private buffer = '';

  push(chunk: string): ServerEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: ServerEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') {
          event = value;
        } else if (field === 'data') {
          data.push(value);
        }
      }
      if (data.length > 0) {
        events.push({ event, data: data.join('\n') });
      }
    }
    return events;
  }
}

/**
 * Reads server-sent events with fetch, so the token travels in the `Authorization` header
 * (EventSource cannot send headers, and a token in the URL would be written to access logs
 * and browser history). Reconnects after a dropped connection until `signal` aborts.
 */
export async function followEvents(
  open: (signal: AbortSignal) => Promise<Response>,
  onEvent: (event: ServerEvent) => void,
  onState: (state: 'live' | 'reconnecting' | 'failed', status?: number) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await open(signal);
      if (!response.ok || !response.body) {
        // 401/403/404 will not get better by retrying.
        onState('failed', response.status);
        return;
      }
      onState('live');
      const parser = new EventStreamParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        parser.push(value).forEach(onEvent);
      }
    } catch {
      if (signal.aborted) {
        return;
      }
    }
    onState('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
