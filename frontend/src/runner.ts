// The Run screen: pick a language, edit one or more files, give arguments and stdin, run (Ctrl/Cmd+Enter), follow
// the output live, type input when the program asks, and reopen past runs from the history.
import type { Api } from './api';
import { splitArgs } from './args';
import { ErrorLine, act, h, replace, timeAgo } from './dom';
import { CodeEditor } from './editor';
import { ExecutionStream, backoffMs } from './execution-stream';
import { FileTabs } from './file-tabs';
import { languageOfFile, starter } from './languages';
import { RunOutput, verdictBadge } from './output';
import type { ExecutionResult, Runtime, SourceFile } from './types';

interface Draft {
  files: SourceFile[];
  active: string;
}

const DRAFTS_KEY = 'playground.drafts';
const SETTINGS_KEY = 'playground.run';

/** Each language's files, kept in the browser so a reload loses nothing. */
class Drafts {
  private drafts: Record<string, Draft>;

  constructor() {
    try {
      this.drafts = JSON.parse(localStorage.getItem(DRAFTS_KEY) ?? '{}');
    } catch {
      this.drafts = {};
    }
  }

  of(runtime: Runtime): Draft {
    let d = this.drafts[runtime.language];
    if (!d?.files?.length) {
      const s = starter(runtime.language, runtime.extension);
      d = this.drafts[runtime.language] = { files: [{ name: s.file, content: s.code }], active: s.file };
    }
    return d;
  }

  save(): void {
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(this.drafts));
  }
}

export class RunView {
  readonly el: HTMLElement;
  private runtimes: Runtime[] = [];
  private runtime: Runtime | undefined;
  private readonly drafts = new Drafts();
  private readonly editor: CodeEditor;
  private readonly tabs: FileTabs;
  private readonly output: RunOutput;
  private readonly languageSelect = h('select', { 'aria-label': 'Language', class: 'language' });
  private readonly runButton = h('button', { class: 'primary run', title: 'Run (Ctrl/Cmd+Enter)' }, '▶ Run');
  private readonly cancelButton = h('button', { class: 'cancel', hidden: true }, 'Cancel');
  private readonly interactive = h('input', { type: 'checkbox', checked: true });
  private readonly args = h('input', { type: 'text', class: 'args', placeholder: 'arguments, e.g. --n 3 "two words"', 'aria-label': 'Arguments' });
  private readonly stdin = h('textarea', { class: 'stdin', rows: 3, placeholder: 'stdin given up front (optional)', 'aria-label': 'Stdin' });
  private readonly runError = new ErrorLine();
  private readonly historyList = h('ul', { class: 'history-list' });
  private readonly historyError = new ErrorLine();
  private stream: ExecutionStream | undefined;
  private liveId: string | undefined;
  private shownId: string | undefined;
  private saveTimer: number | undefined;
  private loaded: Promise<void> | undefined;

  constructor(private readonly api: Api) {
    this.output = new RunOutput(api);
    this.tabs = new FileTabs({
      select: (name) => this.openFile(name),
      add: (name) => this.addFile(name),
      rename: (from, to) => this.renameFile(from, to),
      remove: (name) => this.removeFile(name),
    });
    const editorHost = h('div', { class: 'editor-host' });
    this.editor = new CodeEditor(editorHost, { onRun: () => void this.run(), onChange: () => this.scheduleSave() });
    this.runButton.addEventListener('click', () => void this.run());
    this.cancelButton.addEventListener('click', () => void this.cancel());
    this.languageSelect.addEventListener('change', () => this.selectLanguage(this.languageSelect.value));
    this.restoreSettings();
    for (const input of [this.args, this.stdin, this.interactive]) input.addEventListener('change', () => this.saveSettings());

    this.el = h('section', { class: 'view run-view' },
      h('aside', { class: 'history' },
        h('div', { class: 'pane-title' }, h('h2', {}, 'Recent runs'),
          h('button', { class: 'icon', title: 'Refresh', 'aria-label': 'Refresh runs', onclick: () => void this.refreshHistory() }, '↻')),
        this.historyError.el, this.historyList),
      h('div', { class: 'run-main' },
        h('div', { class: 'toolbar' }, this.languageSelect, this.runButton, this.cancelButton,
          h('label', { class: 'check', title: 'Keep stdin open and ask for input when the program waits for it' }, this.interactive, ' Interactive'),
          h('span', { class: 'hint' }, 'Ctrl/⌘ + Enter runs')),
        this.runError.el,
        this.tabs.el,
        editorHost,
        h('div', { class: 'run-inputs' },
          h('label', {}, 'Arguments', this.args),
          h('label', {}, 'Stdin', this.stdin))),
      this.output.el);
    // Ctrl/Cmd+Enter anywhere on the screen (the editor handles it itself).
    this.el.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !(e.target as HTMLElement).closest('.cm-editor')) {
        e.preventDefault();
        void this.run();
      }
    });
  }

  /** Shows the screen; with an id, that run (a past one, or the live one). */
  async show(executionId?: string): Promise<void> {
    this.loaded ??= this.load();
    await this.loaded;
    if (executionId && executionId !== this.shownId) await this.openRun(executionId);
    void this.refreshHistory();
  }

  private async load(): Promise<void> {
    await act(null, this.runError, async () => {
      this.runtimes = await this.api.runtimes();
      replace(this.languageSelect, ...this.runtimes.map((r) =>
        h('option', { value: r.language }, `${r.language} ${r.version && r.version !== 'unknown' ? r.version : ''}`.trim())));
      const saved = localStorage.getItem(`${SETTINGS_KEY}.language`);
      const first = this.runtimes.find((r) => r.language === saved) ?? this.runtimes.find((r) => r.language === 'python') ?? this.runtimes[0];
      if (first) this.selectLanguage(first.language);
    });
  }

  private selectLanguage(language: string): void {
    this.saveNow();
    this.runtime = this.runtimes.find((r) => r.language === language);
    if (!this.runtime) return;
    this.languageSelect.value = language;
    localStorage.setItem(`${SETTINGS_KEY}.language`, language);
    const draft = this.draft();
    this.openFile(draft.files.some((f) => f.name === draft.active) ? draft.active : draft.files[0].name);
  }

  private draft(): Draft {
    return this.drafts.of(this.runtime!);
  }

  private key(name: string): string {
    return `${this.runtime!.language}/${name}`;
  }

  private openFile(name: string): void {
    this.saveNow();
    const draft = this.draft();
    const file = draft.files.find((f) => f.name === name)!;
    draft.active = name;
    this.editor.open(this.key(name), file.content, languageOfFile(name) ?? this.runtime!.language);
    this.tabs.render(draft.files.map((f) => f.name), name);
    this.editor.focus();
  }

  private addFile(name: string): void {
    this.saveNow();
    this.draft().files.push({ name, content: '' });
    this.drafts.save();
    this.openFile(name);
  }

  private renameFile(from: string, to: string): void {
    this.saveNow();
    const file = this.draft().files.find((f) => f.name === from)!;
    file.name = to;
    this.editor.rename(this.key(from), this.key(to));
    if (this.draft().active === from) this.draft().active = to;
    this.drafts.save();
    this.openFile(this.draft().active);
  }

  private removeFile(name: string): void {
    this.saveNow();
    const draft = this.draft();
    draft.files = draft.files.filter((f) => f.name !== name);
    this.editor.forget(this.key(name));
    if (draft.active === name) draft.active = draft.files[0].name;
    this.drafts.save();
    this.openFile(draft.active);
  }

  /** Copies the editor's text of the open file into its draft and stores the drafts. */
  private saveNow(): void {
    window.clearTimeout(this.saveTimer);
    if (!this.runtime) return;
    const draft = this.draft();
    const file = draft.files.find((f) => f.name === draft.active);
    if (file) file.content = this.editor.text(this.key(file.name));
    this.drafts.save();
  }

  private scheduleSave(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.saveNow(), 400);
  }

  private restoreSettings(): void {
    try {
      const s = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}');
      this.args.value = s.args ?? '';
      this.stdin.value = s.stdin ?? '';
      this.interactive.checked = s.interactive ?? true;
    } catch {
      // defaults
    }
  }

  private saveSettings(): void {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ args: this.args.value, stdin: this.stdin.value, interactive: this.interactive.checked }));
  }

  private async run(): Promise<void> {
    if (!this.runtime || this.runButton.disabled) return;
    this.saveNow();
    this.saveSettings();
    const args = splitArgs(this.args.value);
    this.output.reset('Output');
    this.output.setStatus('Starting…');
    await act(this.runButton, this.runError, async () => {
      const started = await this.api.startExecution({
        language: this.runtime!.language,
        version: this.runtime!.version && this.runtime!.version !== 'unknown' ? this.runtime!.version : undefined,
        files: this.draft().files.map((f) => ({ name: f.name, content: f.content })),
        args: args.length ? args : undefined,
        stdin: this.stdin.value || undefined,
        interactive: this.interactive.checked,
      });
      this.follow(started.id);
    });
    if (!this.liveId) this.output.setStatus('');
  }

  /** Follows a run live: its events into the output pane, typed input to its stdin. */
  private follow(id: string): void {
    this.stream?.close();
    this.liveId = this.shownId = id;
    history.replaceState(null, '', `#/run/${id}`);
    this.runButton.disabled = true;
    this.cancelButton.hidden = false;
    const stream = new ExecutionStream(this.api, id, {
      event: (e) => {
        this.output.event(e);
        if (e.type === 'COMPLETED') this.finished(id);
      },
      status: (state, detail) => {
        if (state === 'connecting') this.output.setStatus('Connecting…');
        else if (state === 'reconnecting') this.output.setStatus(`Reconnecting… (${detail ?? 'the connection was lost'})`, 'error');
        else if (state === 'live') this.output.setStatus('Running…');
        else if (state === 'failed') {
          this.output.setStatus(`The output stream failed: ${detail}`, 'error');
          this.finished(id);
        }
      },
    });
    this.stream = stream;
    this.output.attach(stream);
    stream.start();
  }

  private finished(id: string): void {
    if (this.liveId !== id) return;
    this.liveId = undefined;
    this.runButton.disabled = false;
    this.cancelButton.hidden = true;
    void this.refreshHistory(id);
  }

  private async cancel(): Promise<void> {
    if (!this.liveId) return;
    await act(this.cancelButton, this.runError, () => this.api.cancelExecution(this.liveId!));
  }

  private async openRun(id: string): Promise<void> {
    this.shownId = id;
    this.output.reset('Output', 'Loading…');
    await act(null, this.runError, async () => {
      const result = await this.api.execution(id);
      if (this.shownId !== id) return;
      if (result.status === 'COMPLETED') {
        this.output.result(result, true);
      } else {
        this.output.reset('Output');
        this.follow(id);
      }
      this.markActive();
    });
  }

  /**
   * Lists the recent runs. The history is written from the run's events a moment after the stream delivered them, so
   * a run that just finished (`expected`) may be missing or still RUNNING there, or the history briefly unavailable:
   * asked again a few times until it shows the run completed.
   */
  private async refreshHistory(expected?: string, attempt = 1): Promise<void> {
    const runs = await act(null, this.historyError, async () => {
      const runs = await this.api.executions(20);
      replace(this.historyList, ...runs.map((r) => this.historyItem(r)));
      if (!runs.length) this.historyList.append(h('li', { class: 'muted' }, 'No runs yet.'));
      this.markActive();
      return runs;
    });
    if (expected && !runs?.some((r) => r.id === expected && r.status === 'COMPLETED') && attempt < 6) {
      window.setTimeout(() => void this.refreshHistory(expected, attempt + 1), backoffMs(attempt));
    }
  }

  private historyItem(r: ExecutionResult): HTMLElement {
    return h('li', {},
      h('a', { href: `#/run/${r.id}`, class: 'history-item', 'data-id': r.id },
        h('span', { class: 'lang' }, r.language ?? '?'),
        verdictBadge(r.verdict, r.status),
        h('span', { class: 'when muted' }, `${timeAgo(r.createdAt)} · `, h('code', {}, r.id.slice(0, 8)))));
  }

  private markActive(): void {
    for (const a of this.historyList.querySelectorAll<HTMLElement>('.history-item')) {
      a.classList.toggle('active', a.dataset.id === this.shownId);
    }
  }
}
