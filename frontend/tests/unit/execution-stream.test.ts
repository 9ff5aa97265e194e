// A run's output stream that loses its connection: the page opens a new one asking for the events after the last it
// saw, and the user sees every event once, in order, also from a server that replays from the first.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src/api';
import { ExecutionStream } from '../../src/execution-stream';
import type { ExecutionEvent } from '../../src/types';

/** Just what ExecutionStream uses of a browser WebSocket. */
class FakeSocket {
  readyState = 0;

  constructor(readonly query: Record<string, unknown> = {}) {}

  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: ((c: { code: number; reason: string }) => void) | null = null;

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  deliver(...events: Partial<ExecutionEvent>[]): void {
    for (const e of events) this.onmessage?.({ data: JSON.stringify(e) });
  }

  send(m: string): void {
    this.sent.push(m);
  }

  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

describe('an execution stream', () => {
  let sockets: FakeSocket[];
  let api: Api;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', { OPEN: 1 });
    sockets = [];
    api = { socket: async (_: string, query = {}) => { const s = new FakeSocket(query); sockets.push(s); return s as unknown as WebSocket; } } as unknown as Api;
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('reconnects after a lost connection and skips the events the server replays', async () => {
    const seen: number[] = [];
    const states: string[] = [];
    const stream = new ExecutionStream(api, 'e1', { event: (e) => seen.push(e.seq), status: (s) => states.push(s) });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0].open();
    sockets[0].deliver({ seq: 1, type: 'QUEUED' }, { seq: 2, type: 'STARTED' }, { seq: 3, type: 'STDOUT', data: 'a' });
    sockets[0].close(1006, '');

    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    sockets[1].deliver({ seq: 1, type: 'QUEUED' }, { seq: 2, type: 'STARTED' }, { seq: 3, type: 'STDOUT', data: 'a' },
      { seq: 4, type: 'STDOUT', data: 'b' }, { seq: 5, type: 'COMPLETED' });
    sockets[1].close(1000, 'execution completed');

    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live', 'done']);
  });

  it('asks the server, on reconnecting, only for the events after the last one seen', async () => {
    const stream = new ExecutionStream(api, 'e1', { event: () => {}, status: () => {} });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets[0].query.after).toBeUndefined();
    sockets[0].open();
    sockets[0].deliver({ seq: 1, type: 'QUEUED' }, { seq: 2, type: 'STARTED' });
    sockets[0].close(1006, '');
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets[1].query.after).toBe(2);
  });

  it('keeps typed input while reconnecting and sends it once the new connection is open', async () => {
    const stream = new ExecutionStream(api, 'e1', { event: () => {}, status: () => {} });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0].open();
    sockets[0].close(1001, 'gateway shutting down');
    stream.stdin('Ada\n');
    await vi.advanceTimersByTimeAsync(600);
    sockets[1].open();
    expect(sockets[1].sent).toEqual([JSON.stringify({ type: 'stdin', data: 'Ada\n' })]);
  });

  it('does not retry a refusal, and says why', async () => {
    const states: string[] = [];
    const stream = new ExecutionStream(api, 'e1', { event: () => {}, status: (s, d) => states.push(d ? `${s}: ${d}` : s) });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0].close(1008, 'execution e1 not found');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(states.at(-1)).toBe('failed: execution e1 not found');
  });
});
