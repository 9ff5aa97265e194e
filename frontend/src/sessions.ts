// The Sessions screen: create a session from a template (with preview ports), list them, start, stop, delete; the
// selected one shows its files, an editor, a terminal, package installs and the preview of its ports.
import type { Api } from './api';
import { ErrorLine, act, h, replace, timeAgo } from './dom';
import { FilesPane } from './files';
import { PackagesPane } from './packages';
import { PreviewPane } from './preview';
import { TerminalPane } from './terminal';
import type { Session, SessionState } from './types';

/** Session templates the server knows (session-service's images). */
export const TEMPLATES = ['python', 'node', 'java', 'c', 'cpp', 'go', 'rust', 'ruby', 'php', 'lua'];

const LIST_REFRESH_MS = 5000;
const STARTING_REFRESH_MS = 1500;

/** Ports typed as "3000, 8080": whole numbers, or a sentence saying what is wrong. */
export function parsePorts(text: string): number[] | string {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const ports = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isInteger(ports[i]) || ports[i] < 1 || ports[i] > 65535);
  return bad === undefined ? ports : `${bad} is not a port (1 to 65535).`;
}

function stateBadge(state: SessionState): HTMLElement {
  const kind = state === 'RUNNING' ? 'ok' : state === 'STARTING' ? 'pending' : state === 'LOST' ? 'bad' : 'idle';
  return h('span', { class: `badge badge-${kind}`, 'data-state': state }, state);
}

export class SessionsView {
  readonly el: HTMLElement;
  private readonly template = h('select', {}, ...TEMPLATES.map((t) => h('option', { value: t }, t)));
  private readonly ports = h('input', { type: 'text', placeholder: 'e.g. 3000', class: 'ports' });
  private readonly createButton = h('button', { type: 'submit', class: 'primary' }, 'Create');
  private readonly createError = new ErrorLine();
  private readonly list = h('ul', { class: 'session-list' });
  private readonly listError = new ErrorLine();
  private readonly main = h('div', { class: 'session-main' });
  private sessions: Session[] = [];
  private workspace: SessionWorkspace | undefined;
  private timer: number | undefined;
  private selectedId: string | undefined;

  constructor(private readonly api: Api) {
    this.template.value = 'node';
    this.el = h('section', { class: 'view sessions-view' },
      h('aside', { class: 'session-sidebar' },
        h('h2', {}, 'New session'),
        h('form', { class: 'create-session', onsubmit: (e: Event) => { e.preventDefault(); void this.create(); } },
          h('label', {}, 'Template', this.template),
          h('label', {}, 'Preview ports', this.ports),
          this.createButton),
        this.createError.el,
        h('div', { class: 'pane-title' }, h('h2', {}, 'Sessions'),
          h('button', { class: 'icon', title: 'Refresh', 'aria-label': 'Refresh sessions', onclick: () => void this.refreshList() }, '↻')),
        this.listError.el,
        this.list),
      this.main);
    this.showPlaceholder();
  }

  /** Shows the screen; with an id, that session. */
  async show(id?: string): Promise<void> {
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => void this.refreshList(), LIST_REFRESH_MS);
    await this.refreshList();
    if (id && id !== this.workspace?.session.id) await this.select(id);
  }

  hide(): void {
    window.clearInterval(this.timer);
  }

  private async refreshList(): Promise<void> {
    await act(null, this.listError, async () => {
      this.sessions = await this.api.sessions();
      replace(this.list, ...this.sessions.map((s) => this.item(s)));
      if (!this.sessions.length) this.list.append(h('li', { class: 'muted' }, 'No sessions yet.'));
      const shown = this.workspace && this.sessions.find((s) => s.id === this.workspace!.session.id);
      if (shown) this.workspace!.update(shown);
    });
  }

  private item(s: Session): HTMLElement {
    return h('li', {},
      h('a', { href: `#/sessions/${s.id}`, class: `session-item${s.id === this.selectedId ? ' active' : ''}`, 'data-id': s.id },
        h('span', { class: 'template' }, s.template), stateBadge(s.state),
        h('code', { class: 'muted' }, s.id.slice(0, 8)),
        h('span', { class: 'when muted' }, timeAgo(s.createdAt))));
  }

  private async create(): Promise<void> {
    const ports = parsePorts(this.ports.value);
    if (typeof ports === 'string') return this.createError.show(ports);
    const session = await act(this.createButton, this.createError, () => this.api.createSession(this.template.value, ports));
    if (session) {
      location.hash = `#/sessions/${session.id}`;
      void this.refreshList();
    }
  }

  private async select(id: string): Promise<void> {
    this.selectedId = id;
    this.markActive();
    this.workspace?.dispose();
    this.workspace = undefined;
    replace(this.main, h('p', { class: 'muted placeholder' }, 'Loading the session…'));
    const errors = new ErrorLine();
    const session = await act(null, errors, () => this.api.session(id));
    if (this.selectedId !== id) return;
    if (!session || session.state === 'DELETED') {
      replace(this.main, errors.el, session ? h('p', { class: 'muted placeholder' }, 'This session was deleted.') : null);
      return;
    }
    this.workspace = new SessionWorkspace(this.api, session, {
      changed: () => void this.refreshList(),
      deleted: () => {
        this.workspace?.dispose();
        this.workspace = undefined;
        this.selectedId = undefined;
        location.hash = '#/sessions';
        this.showPlaceholder();
        void this.refreshList();
      },
    });
    replace(this.main, this.workspace.el);
  }

  private markActive(): void {
    for (const a of this.list.querySelectorAll<HTMLElement>('.session-item')) a.classList.toggle('active', a.dataset.id === this.selectedId);
  }

  private showPlaceholder(): void {
    replace(this.main, h('div', { class: 'placeholder' },
      h('h2', {}, 'Sessions'),
      h('p', {}, 'A session is a container of your own with a persistent workspace: edit files, open terminals, install packages and preview a web server running in it.'),
      h('p', { class: 'muted' }, 'Create one on the left, or pick one from the list.')));
  }
}

interface WorkspaceEvents {
  changed(session: Session): void;
  deleted(id: string): void;
}

/** One session on screen: its header and actions, files, editor, terminal, preview and packages. */
class SessionWorkspace {
  readonly el: HTMLElement;
  session: Session;
  private readonly title = h('div', { class: 'session-title' });
  private readonly banner = h('div', { class: 'banner', hidden: true });
  private readonly startButton = h('button', { class: 'small primary' }, 'Start');
  private readonly stopButton = h('button', { class: 'small' }, 'Stop');
  private readonly deleteButton = h('button', { class: 'small danger' }, 'Delete');
  private readonly error = new ErrorLine();
  private readonly files: FilesPane;
  private readonly terminal: TerminalPane;
  private readonly preview: PreviewPane;
  private readonly packages: PackagesPane;
  private pollTimer: number | undefined;
  private shownState: SessionState | undefined;

  constructor(private readonly api: Api, session: Session, private readonly events: WorkspaceEvents) {
    this.session = session;
    const openKey = `playground.open.${session.id}`;
    this.files = new FilesPane(api, session.id, session.state === 'RUNNING', {
      start: () => void this.start(),
      opened: (path) => sessionStorage.setItem(openKey, path),
    });
    this.terminal = new TerminalPane(api, session.id);
    this.preview = new PreviewPane(api, session);
    this.packages = new PackagesPane(api, session.id, session.template);
    this.startButton.addEventListener('click', () => void this.start());
    this.stopButton.addEventListener('click', () => void this.stop());
    this.deleteButton.addEventListener('click', () => void this.remove());
    this.el = h('div', { class: 'workspace' },
      h('header', { class: 'session-header' }, this.title,
        h('div', { class: 'row' }, this.startButton, this.stopButton, this.deleteButton)),
      this.error.el,
      this.banner,
      h('div', { class: 'workspace-grid' },
        h('div', { class: 'area-files' }, this.files.treeEl, this.packages.el),
        h('div', { class: 'area-editor' }, this.files.editorEl),
        h('div', { class: 'area-terminal' }, this.terminal.el),
        h('div', { class: 'area-preview' }, this.preview.el)));
    this.update(session);
    void this.files.refresh(sessionStorage.getItem(openKey) ?? undefined);
  }

  /** Takes a newer record: the header, what is usable, the terminal and the preview follow its state. */
  update(session: Session): void {
    const before = this.shownState;
    this.session = session;
    this.shownState = session.state;
    const running = session.state === 'RUNNING';
    replace(this.title, h('h2', {}, `${session.template} session`), stateBadge(session.state), h('code', { class: 'muted' }, session.id),
      session.stopReason ? h('span', { class: 'muted' }, ` — ${session.stopReason}`) : null);
    this.startButton.hidden = running || session.state === 'STARTING';
    this.stopButton.hidden = !running;
    this.showBanner(session);
    this.preview.update(session);
    if (before === session.state) return;

    this.files.setEditable(running);
    if (running) {
      this.terminal.connect();
      if (before !== undefined) void this.files.refresh(this.files.openFile);
    } else {
      this.terminal.disconnect(session.state === 'STARTING' ? 'waiting for the session to start' : `the session is ${session.state}`);
      if (before === 'RUNNING') void this.files.refresh(this.files.openFile);
    }
    window.clearTimeout(this.pollTimer);
    if (session.state === 'STARTING') this.pollTimer = window.setTimeout(() => void this.poll(), STARTING_REFRESH_MS);
  }

  dispose(): void {
    window.clearTimeout(this.pollTimer);
    this.terminal.dispose();
    this.preview.dispose();
  }

  private showBanner(s: Session): void {
    const stopped = s.state === 'STOPPED' || s.state === 'EXPIRED';
    this.banner.hidden = s.state === 'RUNNING';
    if (stopped) {
      replace(this.banner,
        h('span', {}, `This session is ${s.state.toLowerCase()}${s.stoppedAt ? ` (${timeAgo(s.stoppedAt)})` : ''}. Its files are kept and can be read; start it to edit them and open a terminal.`),
        h('button', { class: 'small primary', onclick: () => void this.start() }, 'Start the session'));
    } else if (s.state === 'STARTING') {
      replace(this.banner, h('span', {}, 'The session is starting…'));
    } else if (s.state === 'LOST') {
      replace(this.banner, h('span', {}, 'The machine this session ran on is gone; its workspace waits there until it comes back.'));
    }
  }

  private async poll(): Promise<void> {
    const s = await act(null, this.error, () => this.api.session(this.session.id));
    if (s) {
      this.update(s);
      this.events.changed(s);
    }
  }

  private async start(): Promise<void> {
    const s = await act(this.startButton, this.error, () => this.api.startSession(this.session.id));
    if (s) {
      this.update(s);
      this.events.changed(s);
    }
  }

  private async stop(): Promise<void> {
    if (this.files.hasUnsavedChanges() && !confirm('The open file has unsaved changes. Stop the session anyway?')) return;
    const s = await act(this.stopButton, this.error, () => this.api.stopSession(this.session.id));
    if (s) {
      this.update(s);
      this.events.changed(s);
    }
  }

  private async remove(): Promise<void> {
    if (!confirm(`Delete this ${this.session.template} session and its workspace? This cannot be undone.`)) return;
    const done = await act(this.deleteButton, this.error, async () => {
      await this.api.deleteSession(this.session.id);
      return true;
    });
    if (done) this.events.deleted(this.session.id);
  }
}
