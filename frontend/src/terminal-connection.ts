// The socket between a terminal pane and one shell in a session, kept apart from xterm.js so its rules can be tested
// without a browser. The server names the shell in an {"type":"attached","terminal":token} frame; opening the socket
// again with `resume=token` reattaches to that shell and replays what it printed meanwhile. The token is kept in
// sessionStorage, so a lost connection or a reloaded page comes back to the same shell. Closing with 1000 tells the
// server the user is done (it hangs the shell up at once); any other close keeps the shell for a grace period.
import type { Api } from './api';
import { backoffMs } from './execution-stream';

/** What the connection tells the pane. */
export interface ShellEvents {
  /** Bytes the shell printed. */
  output(bytes: Uint8Array): void;
  /** A line about the connection, written into the terminal itself. */
  notice(text: string, kind: 'info' | 'warn'): void;
  /** The connection's state, in a few words for the pane's title. */
  status(text: string): void;
  /** Nothing more happens until the user asks for a shell again (`connect`). */
  waiting(reason: string): void;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Close code of a deliberate end: the shell is hung up, not kept for a reconnect. */
export const DELIBERATE_CLOSE = 1000;
/** Refusals (policy, try again later): opening again by itself would not help. */
const REFUSALS = new Set([1008, 1013]);
/** The shell was taken over by a newer connection with its token (another tab): taking it back is the user's call. */
export const TAKEN_OVER = 4001;

export class ShellConnection {
  private socket: WebSocket | undefined;
  private attempts = 0;
  /** Counts connects and closes: an open() that finds it changed after fetching its ticket is stale. */
  private generation = 0;
  private disposed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly tokenKey: string;

  constructor(
    private readonly api: Pick<Api, 'socket'>,
    private readonly sessionId: string,
    private readonly size: () => TerminalSize,
    private readonly events: ShellEvents,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = sessionStorage,
    private readonly maxAttempts = 6,
  ) {
    this.tokenKey = `playground.terminal.${sessionId}`;
  }

  /** Attaches to the shell this page had (if the server still keeps it), else opens a new one. */
  connect(): void {
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.hangUp();
    this.generation++;
    void this.open();
  }

  /** Ends the shell on purpose (the session stops, the user leaves it): the server hangs it up at once. */
  close(): boolean {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    return this.hangUp();
  }

  dispose(): void {
    this.disposed = true;
    this.close();
  }

  send(data: Uint8Array | string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(data);
  }

  resize({ cols, rows }: TerminalSize): void {
    this.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Whether a socket is open or opening. */
  get active(): boolean {
    return this.socket !== undefined;
  }

  private async open(): Promise<void> {
    const generation = this.generation;
    this.events.status(this.attempts ? 'reconnecting…' : 'connecting…');
    const resume = this.storage.getItem(this.tokenKey) ?? undefined;
    let socket: WebSocket;
    try {
      socket = await this.api.socket(`/api/v1/sessions/${encodeURIComponent(this.sessionId)}/terminal`,
        { ...this.size(), resume });
    } catch (e) {
      if (generation === this.generation) this.lost(e instanceof Error ? e.message : String(e));
      return;
    }
    if (this.disposed || generation !== this.generation) {
      // Closed, or connected again, while the ticket was fetched.
      socket.close(DELIBERATE_CLOSE, 'closed by the page');
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.attempts = 0;
      this.events.status('connected');
      // The pane may have changed size while the socket was opening.
      this.resize(this.size());
    };
    socket.onmessage = (m) => {
      if (typeof m.data === 'string') this.control(m.data, resume !== undefined);
      else this.events.output(new Uint8Array(m.data as ArrayBuffer));
    };
    socket.onclose = (c) => {
      if (this.socket !== socket || this.disposed) return;
      this.socket = undefined;
      if (c.code === DELIBERATE_CLOSE) {
        // The shell exited, or the session ended: there is nothing left to resume.
        this.forget();
        this.events.waiting(c.reason || 'the shell ended');
      } else if (c.code === TAKEN_OVER) {
        this.events.waiting('this shell is open in another tab or window; Enter takes it back here');
      } else if (REFUSALS.has(c.code)) {
        this.events.waiting(c.reason || `refused (code ${c.code})`);
      } else {
        this.lost(c.reason || 'the connection was lost');
      }
    };
  }

  /** Text frames are control JSON; types this page does not know are ignored (the server may add some). */
  private control(text: string, askedToResume: boolean): void {
    let message: { type?: unknown; terminal?: unknown; resumed?: unknown; code?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message?.type === 'attached') {
      if (typeof message.terminal === 'string' && message.terminal) this.storage.setItem(this.tokenKey, message.terminal);
      if (askedToResume && message.resumed !== true) this.events.notice('a new shell: the previous one had ended', 'info');
    } else if (message?.type === 'exit') {
      this.forget();
      this.events.notice(`shell exited with code ${message.code}`, 'info');
    }
  }

  private lost(reason: string): void {
    if (this.disposed) return;
    if (++this.attempts > this.maxAttempts) {
      this.attempts = 0;
      this.events.waiting(`${reason}; gave up reconnecting`);
      return;
    }
    this.events.notice(`${reason}; reconnecting…`, 'warn');
    this.events.status('reconnecting…');
    this.retryTimer = setTimeout(() => void this.open(), backoffMs(this.attempts));
  }

  /** Closes the socket with 1000 and forgets its shell; true when there was one. */
  private hangUp(): boolean {
    const s = this.socket;
    this.socket = undefined;
    if (!s) return false;
    this.forget();
    if (s.readyState <= WebSocket.OPEN) s.close(DELIBERATE_CLOSE, 'closed by the page');
    return true;
  }

  private forget(): void {
    this.storage.removeItem(this.tokenKey);
  }
}
