// A terminal into a session: xterm.js over /api/v1/sessions/{id}/terminal. Binary frames carry the PTY's bytes both
// ways, a text frame {"type":"resize"} follows the pane's size. A lost connection opens a new shell by itself; a
// shell that exited or a refusal waits for the user (Enter or the button).
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { Api } from './api';
import { backoffMs } from './execution-stream';
import { h } from './dom';

const encoder = new TextEncoder();

export class TerminalPane {
  readonly el: HTMLElement;
  private readonly host = h('div', { class: 'terminal-host' });
  private readonly statusLine = h('span', { class: 'terminal-status muted' });
  private readonly reconnectButton = h('button', { class: 'small', hidden: true, onclick: () => this.connect() }, 'New shell');
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly resizeObserver: ResizeObserver;
  private socket: WebSocket | undefined;
  private attempts = 0;
  private disposed = false;
  private waitingForUser = false;
  private retryTimer: number | undefined;

  constructor(private readonly api: Api, private readonly sessionId: string) {
    this.term = new Terminal({
      cursorBlink: true,
      convertEol: false,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: '#14161b', foreground: '#e6e6e6' },
    });
    this.term.loadAddon(this.fit);
    this.el = h('section', { class: 'pane terminal-pane' },
      h('div', { class: 'pane-title' }, h('h3', {}, 'Terminal'), this.statusLine, this.reconnectButton),
      this.host);
    this.term.open(this.host);
    this.term.onData((data) => {
      if (this.waitingForUser && data === '\r') {
        this.connect();
        return;
      }
      this.sendBytes(encoder.encode(data));
    });
    this.term.onBinary((data) => this.sendBytes(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    this.term.onResize(({ cols, rows }) => {
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
    });
    // The pane's size decides the terminal's: fit whenever the layout changes it (a hidden pane has no size).
    this.resizeObserver = new ResizeObserver(() => {
      if (this.host.clientWidth > 0 && this.host.clientHeight > 0) this.fit.fit();
    });
    this.resizeObserver.observe(this.host);
  }

  /** Opens a new shell (closing the current one, if any). */
  connect(): void {
    window.clearTimeout(this.retryTimer);
    this.waitingForUser = false;
    this.reconnectButton.hidden = true;
    this.closeSocket();
    void this.open();
  }

  /** Closes the shell and says why in the terminal. */
  disconnect(reason: string): void {
    window.clearTimeout(this.retryTimer);
    const wasOpen = this.socket !== undefined || this.waitingForUser;
    this.closeSocket();
    this.waitingForUser = false;
    this.attempts = 0;
    if (wasOpen) this.term.write(`\r\n\x1b[2m[${reason}]\x1b[0m\r\n`);
    this.setStatus(reason);
    this.reconnectButton.hidden = true;
  }

  focus(): void {
    this.term.focus();
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.retryTimer);
    this.resizeObserver.disconnect();
    this.closeSocket();
    this.term.dispose();
  }

  private async open(): Promise<void> {
    if (this.host.clientWidth > 0) this.fit.fit();
    this.setStatus(this.attempts ? 'reconnecting…' : 'connecting…');
    let socket: WebSocket;
    try {
      socket = await this.api.socket(`/api/v1/sessions/${encodeURIComponent(this.sessionId)}/terminal`,
        { cols: this.term.cols, rows: this.term.rows });
    } catch (e) {
      this.lost(e instanceof Error ? e.message : String(e));
      return;
    }
    if (this.disposed) {
      socket.close();
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.attempts = 0;
      this.setStatus('connected');
      // The pane may have changed size while the socket was opening.
      socket.send(JSON.stringify({ type: 'resize', cols: this.term.cols, rows: this.term.rows }));
    };
    socket.onmessage = (m) => {
      if (typeof m.data === 'string') this.control(m.data);
      else this.term.write(new Uint8Array(m.data as ArrayBuffer));
    };
    socket.onclose = (c) => {
      if (this.socket !== socket || this.disposed) return;
      this.socket = undefined;
      if (c.code === 1000) {
        this.waitForUser(`${c.reason || 'the shell ended'}`);
      } else if (c.code === 1008 || c.code === 1013) {
        // Refused (not found, not running, too many terminals): trying again by itself would not help.
        this.waitForUser(c.reason || `refused (code ${c.code})`);
      } else {
        this.lost(c.reason || 'the connection was lost');
      }
    };
  }

  private control(text: string): void {
    try {
      const message = JSON.parse(text);
      if (message.type === 'exit') this.term.write(`\r\n\x1b[2m[shell exited with code ${message.code}]\x1b[0m\r\n`);
    } catch {
      // not control JSON: ignore
    }
  }

  private lost(reason: string): void {
    if (this.disposed) return;
    this.attempts++;
    if (this.attempts > 6) {
      this.waitForUser(`${reason}; gave up reconnecting`);
      return;
    }
    this.term.write(`\r\n\x1b[33m[${reason}; reconnecting…]\x1b[0m\r\n`);
    this.setStatus('reconnecting…');
    this.retryTimer = window.setTimeout(() => void this.open(), backoffMs(this.attempts));
  }

  private waitForUser(reason: string): void {
    this.waitingForUser = true;
    this.attempts = 0;
    this.term.write(`\r\n\x1b[2m[${reason}. Press Enter for a new shell.]\x1b[0m\r\n`);
    this.setStatus(reason);
    this.reconnectButton.hidden = false;
  }

  private sendBytes(bytes: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(bytes);
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    if (s && s.readyState <= WebSocket.OPEN) s.close(1000, 'closed by the page');
  }

  private setStatus(text: string): void {
    this.statusLine.textContent = text;
  }
}
