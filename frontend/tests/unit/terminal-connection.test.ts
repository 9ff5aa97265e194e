// A terminal that loses its connection comes back to the same shell: the page keeps the shell's token, asks to
// resume it, and says so when the server had to start a new one. Leaving on purpose ends the shell; a server that
// knows nothing of resuming (no token sent) still gets a working terminal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src/api';
import { ShellConnection, type ShellEvents } from '../../src/terminal-connection';

type Query = Record<string, string | number | boolean | undefined>;

/** Just what ShellConnection uses of a browser WebSocket. */
class FakeSocket {
  readyState = 0;
  binaryType = 'blob';
  sent: (string | Uint8Array)[] = [];
  closedWith: { code: number; reason: string } | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: ((c: { code: number; reason: string }) => void) | null = null;

  constructor(readonly query: Query) {}

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  text(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  bytes(text: string): void {
    this.onmessage?.({ data: new TextEncoder().encode(text).buffer });
  }

  send(m: string | Uint8Array): void {
    this.sent.push(m);
  }

  /** The page closes it. */
  close(code = 1005, reason = ''): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** The server or the network closes it. */
  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

const TOKEN_KEY = 'playground.terminal.s1';

describe('a terminal connection', () => {
  let sockets: FakeSocket[];
  let api: Pick<Api, 'socket'>;
  let storage: MemoryStorage;
  let printed: string[];
  let notices: string[];
  let waiting: string[];
  let events: ShellEvents;

  /** A connection on a fresh page of the same tab: the storage (sessionStorage) is what survives. */
  function connection(): ShellConnection {
    return new ShellConnection(api, 's1', () => ({ cols: 100, rows: 30 }), events, storage);
  }

  async function settle(): Promise<void> {
    await vi.advanceTimersByTimeAsync(0);
  }

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', { OPEN: 1 });
    sockets = [];
    api = { socket: async (_path: string, query: Query = {}) => { const s = new FakeSocket(query); sockets.push(s); return s as unknown as WebSocket; } };
    storage = new MemoryStorage();
    printed = [];
    notices = [];
    waiting = [];
    events = {
      output: (b) => printed.push(new TextDecoder().decode(b)),
      notice: (t) => notices.push(t),
      status: () => {},
      waiting: (r) => waiting.push(r),
    };
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('keeps the shell\'s token and asks to resume it after a lost connection, getting what was printed meanwhile', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    expect(sockets[0].query).toEqual({ cols: 100, rows: 30, resume: undefined });
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-1', resumed: false });
    expect(storage.getItem(TOKEN_KEY)).toBe('tok-1');
    sockets[0].bytes('$ sleep 2; echo done\r\n');
    sockets[0].drop(1006);

    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].query).toMatchObject({ resume: 'tok-1' });
    sockets[1].open();
    sockets[1].text({ type: 'attached', terminal: 'tok-1', resumed: true });
    sockets[1].bytes('done\r\n$ ');
    expect(printed.join('')).toBe('$ sleep 2; echo done\r\ndone\r\n$ ');
    expect(notices).toEqual(['the connection was lost; reconnecting…']);
  });

  it('resumes after a page reload, from the token kept in the tab\'s storage', async () => {
    const before = connection();
    before.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-1', resumed: false });
    // The reload: the browser closes the socket with 1001 by itself; the page's objects are simply gone.
    sockets[0].drop(1001);

    const after = connection();
    after.connect();
    await settle();
    expect(sockets.at(-1)!.query).toMatchObject({ resume: 'tok-1' });
  });

  it('says so in the terminal when the server had to start a new shell', async () => {
    storage.setItem(TOKEN_KEY, 'tok-old');
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-new', resumed: false });
    expect(notices).toEqual(['a new shell: the previous one had ended']);
    expect(storage.getItem(TOKEN_KEY)).toBe('tok-new');
  });

  it('prints no notice for the first shell of a page', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-1', resumed: false });
    expect(notices).toEqual([]);
  });

  it('closes with 1000 when the user ends the shell, and forgets it', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-1', resumed: false });
    expect(shell.close()).toBe(true);
    expect(sockets[0].closedWith?.code).toBe(1000);
    expect(storage.getItem(TOKEN_KEY)).toBeNull();

    shell.connect();
    await settle();
    expect(sockets[1].query.resume).toBeUndefined();
    shell.dispose();
    expect(sockets[1].closedWith?.code).toBe(1000);
  });

  it('forgets a shell that exited, and waits for the user instead of reconnecting', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-1', resumed: false });
    sockets[0].text({ type: 'exit', code: 0 });
    sockets[0].drop(1000, 'shell exited');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(waiting).toEqual(['shell exited']);
    expect(storage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('does not fight another tab for its shell: taken over (4001), it waits, keeping the token to take it back', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'attached', terminal: 'tok-1', resumed: false });
    sockets[0].drop(4001, 'this terminal was resumed by a newer connection');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(waiting).toEqual(['this shell is open in another tab or window; Enter takes it back here']);
    shell.connect();
    await settle();
    expect(sockets[1].query.resume).toBe('tok-1');
  });

  it('works with a server that sends no token: it reconnects as before, without resume', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].bytes('$ ');
    sockets[0].drop(1006);
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].query.resume).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });

  it('ignores text frames it does not know, and text that is not JSON', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    sockets[0].open();
    sockets[0].text({ type: 'something-new', detail: 'from a later server' });
    sockets[0].text('not json');
    sockets[0].bytes('$ ');
    expect(printed).toEqual(['$ ']);
    expect(notices).toEqual([]);
    expect(waiting).toEqual([]);
    expect(sockets[0].closedWith).toBeUndefined();
  });

  it('sends the terminal\'s size once open, and keystrokes and resizes while open', async () => {
    const shell = connection();
    shell.connect();
    await settle();
    shell.send('dropped while connecting');
    sockets[0].open();
    shell.send('ls\r');
    shell.resize({ cols: 80, rows: 20 });
    expect(sockets[0].sent).toEqual([
      JSON.stringify({ type: 'resize', cols: 100, rows: 30 }), 'ls\r', JSON.stringify({ type: 'resize', cols: 80, rows: 20 })]);
  });

  it('does not open a socket closed while its ticket was being fetched', async () => {
    const shell = connection();
    shell.connect();
    shell.close();
    await settle();
    expect(sockets[0].closedWith?.code).toBe(1000);
    sockets[0].drop(1000);
    expect(waiting).toEqual([]);
  });
});
