// Follows one execution over /api/v1/executions/{id}/stream. A lost connection is opened again with `after=` the last
// seq seen, so the server replays only what came since; a server that replays from the first anyway is fine too, as
// the events already seen (by seq) are skipped.
import type { Api } from './api';
import type { ExecutionEvent } from './types';

/** Passes each seq once and in order; replayed events (seq already seen) are dropped. */
export class SeqFilter {
  private last = 0;

  accept(event: { seq: number }): boolean {
    if (event.seq <= this.last) return false;
    this.last = event.seq;
    return true;
  }

  get lastSeq(): number {
    return this.last;
  }
}

/** Close codes after which opening the socket again cannot help: the server refused this client. */
const FINAL_CLOSES = new Set([1000, 1008, 1003, 1007, 1009]);

/** Wait before reconnect attempt n (1-based): 0.5 s, 1 s, 2 s, 4 s, then 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 5000);
}

export interface StreamListener {
  event(event: ExecutionEvent): void;
  /** The connection's state, for a line in the page: connecting, live, reconnecting, or failed with a reason. */
  status(state: 'connecting' | 'live' | 'reconnecting' | 'failed' | 'done', detail?: string): void;
}

export class ExecutionStream {
  private readonly seen = new SeqFilter();
  private socket: WebSocket | undefined;
  private completed = false;
  private closedByUs = false;
  private attempts = 0;
  private readonly pending: string[] = [];

  constructor(
    private readonly api: Api,
    private readonly executionId: string,
    private readonly listener: StreamListener,
    private readonly maxAttempts = 8,
  ) {}

  start(): void {
    void this.connect();
  }

  /** Sends a line (or any text) to the program's stdin; queued while reconnecting. */
  stdin(data: string): void {
    this.send(JSON.stringify({ type: 'stdin', data }));
  }

  eof(): void {
    this.send(JSON.stringify({ type: 'stdin-eof' }));
  }

  close(): void {
    this.closedByUs = true;
    this.socket?.close(1000, 'page closed the stream');
  }

  private send(message: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(message);
    else this.pending.push(message);
  }

  private async connect(): Promise<void> {
    this.listener.status(this.attempts === 0 ? 'connecting' : 'reconnecting');
    let socket: WebSocket;
    try {
      const after = this.seen.lastSeq || undefined;
      socket = await this.api.socket(`/api/v1/executions/${encodeURIComponent(this.executionId)}/stream`, { after });
    } catch (e) {
      this.retry(e instanceof Error ? e.message : String(e));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.listener.status('live');
      for (const m of this.pending.splice(0)) socket.send(m);
    };
    socket.onmessage = (m) => {
      if (typeof m.data !== 'string') return;
      const event = JSON.parse(m.data) as ExecutionEvent;
      if (!this.seen.accept(event)) return;
      if (event.type === 'COMPLETED') this.completed = true;
      this.listener.event(event);
    };
    socket.onclose = (c) => {
      if (this.completed || this.closedByUs) {
        this.listener.status('done');
      } else if (FINAL_CLOSES.has(c.code)) {
        this.listener.status('failed', c.reason || `the stream closed (code ${c.code})`);
      } else {
        this.retry(c.reason || 'the connection was lost');
      }
    };
  }

  private retry(reason: string): void {
    if (this.closedByUs) return;
    if (++this.attempts > this.maxAttempts) {
      this.listener.status('failed', `${reason}; gave up after ${this.maxAttempts} attempts`);
      return;
    }
    this.listener.status('reconnecting', reason);
    setTimeout(() => void this.connect(), backoffMs(this.attempts));
  }
}
