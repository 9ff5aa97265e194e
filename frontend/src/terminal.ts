// A terminal into a session: xterm.js over /api/v1/sessions/{id}/terminal (ShellConnection). Binary frames carry the
// PTY's bytes both ways, a text frame {"type":"resize"} follows the pane's size. A lost connection comes back to the
// same shell by itself; a shell that exited or a refusal waits for the user (Enter or the button).
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { Api } from './api';
import { h } from './dom';
import { ShellConnection } from './terminal-connection';

const encoder = new TextEncoder();

export class TerminalPane {
  readonly el: HTMLElement;
  private readonly host = h('div', { class: 'terminal-host' });
  private readonly statusLine = h('span', { class: 'terminal-status muted' });
  private readonly reconnectButton = h('button', { class: 'small', hidden: true, onclick: () => this.connect() }, 'New shell');
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly resizeObserver: ResizeObserver;
  private readonly shell: ShellConnection;
  private waitingForUser = false;

  constructor(api: Api, sessionId: string) {
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
    this.shell = new ShellConnection(api, sessionId, () => {
      if (this.host.clientWidth > 0) this.fit.fit();
      return { cols: this.term.cols, rows: this.term.rows };
    }, {
      output: (bytes) => this.term.write(bytes),
      notice: (text, kind) => this.term.write(`\r\n\x1b[${kind === 'warn' ? '33' : '2'}m[${text}]\x1b[0m\r\n`),
      status: (text) => this.setStatus(text),
      waiting: (reason) => this.waitForUser(reason),
    });
    this.term.onData((data) => {
      if (this.waitingForUser && data === '\r') {
        this.connect();
        return;
      }
      this.shell.send(encoder.encode(data));
    });
    this.term.onBinary((data) => this.shell.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    this.term.onResize((size) => this.shell.resize(size));
    // The pane's size decides the terminal's: fit whenever the layout changes it (a hidden pane has no size).
    this.resizeObserver = new ResizeObserver(() => {
      if (this.host.clientWidth > 0 && this.host.clientHeight > 0) this.fit.fit();
    });
    this.resizeObserver.observe(this.host);
  }

  /** Comes back to this page's shell if the server still keeps it, else opens a new one. */
  connect(): void {
    this.waitingForUser = false;
    this.reconnectButton.hidden = true;
    this.shell.connect();
  }

  /** Ends the shell on purpose and says why in the terminal. */
  disconnect(reason: string): void {
    const wasOpen = this.shell.close() || this.waitingForUser;
    this.waitingForUser = false;
    if (wasOpen) this.term.write(`\r\n\x1b[2m[${reason}]\x1b[0m\r\n`);
    this.setStatus(reason);
    this.reconnectButton.hidden = true;
  }

  focus(): void {
    this.term.focus();
  }

  /** The user leaves the session: its shell is ended, not kept for a reconnect. */
  dispose(): void {
    this.resizeObserver.disconnect();
    this.shell.dispose();
    this.term.dispose();
  }

  private waitForUser(reason: string): void {
    this.waitingForUser = true;
    this.term.write(`\r\n\x1b[2m[${reason}. Press Enter for a new shell.]\x1b[0m\r\n`);
    this.setStatus(reason);
    this.reconnectButton.hidden = false;
  }

  private setStatus(text: string): void {
    this.statusLine.textContent = text;
  }
}
