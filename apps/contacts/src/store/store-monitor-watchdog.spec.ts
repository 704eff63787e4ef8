import { EventEmitter } from 'node:events';
import type { Connection } from 'mongoose';
import { StoreMonitorWatchdog } from './store-monitor-watchdog';

/** A store client that records close and connect. */
class RecordingClient extends EventEmitter {
  readonly calls: string[] = [];
  close(): Promise<void> {
    this.calls.push('close');
    return Promise.resolve();
  }
  connect(): Promise<void> {
    this.calls.push('connect');
    return Promise.resolve();
  }
}

function watchdogOver(client: RecordingClient): StoreMonitorWatchdog {
  const watchdog = new StoreMonitorWatchdog({ getClient: () => client } as unknown as Connection);
  watchdog.onModuleInit();
  return watchdog;
}

describe('StoreMonitorWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reconnects the client once when a heartbeat never ends', async () => {
    const client = new RecordingClient();
    const watchdog = watchdogOver(client);
    client.emit('serverHeartbeatStarted');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(client.calls).toEqual(['close', 'connect']);
    watchdog.onApplicationShutdown();
  });

  it('leaves the client alone while heartbeats end, succeeded or failed', async () => {
    const client = new RecordingClient();
    const watchdog = watchdogOver(client);
    for (let beat = 0; beat < 10; beat++) {
      client.emit('serverHeartbeatStarted');
      await jest.advanceTimersByTimeAsync(10_000);
      client.emit(beat % 2 === 0 ? 'serverHeartbeatSucceeded' : 'serverHeartbeatFailed');
    }
    expect(client.calls).toEqual([]);
    watchdog.onApplicationShutdown();
  });
});
