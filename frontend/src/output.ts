// The output pane of a run: compiler output, the program's stdout/stderr as they stream in (with what the user typed
// echoed in between), an input prompt while the program waits for stdin, then the verdict and measurements.
import type { Api } from './api';
import { ArtifactList } from './artifacts';
import { formatBytes, formatMs, h, replace, timeAgo } from './dom';
import type { ExecutionEvent, ExecutionResult, Verdict } from './types';

const VERDICTS: Record<Verdict, string> = {
  OK: 'OK',
  COMPILE_ERROR: 'Compile error',
  RUNTIME_ERROR: 'Runtime error',
  TIME_LIMIT_EXCEEDED: 'Time limit exceeded',
  MEMORY_LIMIT_EXCEEDED: 'Memory limit exceeded',
  OUTPUT_LIMIT_EXCEEDED: 'Output limit exceeded',
  CANCELLED: 'Cancelled',
  INTERNAL_ERROR: 'Internal error',
};

export function verdictBadge(verdict: Verdict | undefined, status?: string): HTMLElement {
  if (!verdict) return h('span', { class: 'badge badge-pending' }, status ?? 'RUNNING');
  const kind = verdict === 'OK' ? 'ok' : verdict === 'COMPILE_ERROR' ? 'warn' : 'bad';
  return h('span', { class: `badge badge-${kind}`, 'data-verdict': verdict }, VERDICTS[verdict] ?? verdict);
}

export interface InputSink {
  stdin(data: string): void;
  eof(): void;
}

export class RunOutput {
  readonly el: HTMLElement;
  private readonly heading = h('div', { class: 'output-heading' });
  private readonly status = h('span', { class: 'stream-status', 'aria-live': 'polite' });
  private readonly compileBox = h('section', { class: 'compile-output', hidden: true });
  private readonly compileText = h('pre', {});
  private readonly transcript = h('pre', { class: 'transcript', 'aria-label': 'Program output' });
  private readonly promptInput = h('input', { type: 'text', class: 'stdin-input', placeholder: 'Type a line, Enter sends it', autocomplete: 'off' });
  private readonly prompt: HTMLFormElement;
  private readonly summary = h('div', { class: 'summary', hidden: true });
  private readonly artifacts: ArtifactList;
  private readonly decoders = new Map<string, TextDecoder>();
  private sink: InputSink | undefined;

  constructor(api: Api) {
    this.artifacts = new ArtifactList(api);
    this.prompt = h('form', {
      class: 'stdin-prompt',
      hidden: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        this.sendLine();
      },
    },
    h('label', {}, 'The program is waiting for input'),
    h('div', { class: 'row' }, this.promptInput,
      h('button', { type: 'submit', class: 'primary' }, 'Send'),
      h('button', { type: 'button', title: 'Close stdin (end of file)', onclick: () => this.sendEof() }, 'EOF')));
    this.el = h('div', { class: 'run-output' },
      h('div', { class: 'output-header' }, this.heading, this.status),
      this.compileBox,
      this.transcript,
      this.prompt,
      this.summary,
      this.artifacts.el);
    this.reset('Output', 'Run a program to see its output here.');
  }

  /** Empties the pane for a new run or an opened past run. */
  reset(title: string, placeholder = ''): void {
    replace(this.heading, h('h2', {}, title));
    this.setStatus('');
    this.compileText.textContent = '';
    replace(this.compileBox, h('h3', {}, 'Compiler output'), this.compileText);
    this.compileBox.hidden = true;
    this.compileBox.classList.remove('failed');
    this.transcript.replaceChildren();
    this.transcript.hidden = false;
    if (placeholder) this.transcript.append(h('span', { class: 'muted' }, placeholder));
    this.hidePrompt();
    this.summary.hidden = true;
    this.summary.replaceChildren();
    this.artifacts.clear();
    this.decoders.clear();
    this.sink = undefined;
  }

  /** Where typed input goes for the live run (its stream). */
  attach(sink: InputSink): void {
    this.sink = sink;
  }

  setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', kind === 'error');
  }

  event(e: ExecutionEvent): void {
    switch (e.type) {
      case 'QUEUED':
        this.setStatus('Queued…');
        break;
      case 'STARTED':
        this.setStatus('Running…');
        break;
      case 'COMPILE_OUTPUT':
        this.compileBox.hidden = false;
        this.compileText.append(h('span', { class: e.stream === 'stderr' ? 'stderr' : 'stdout' }, this.text(e)));
        break;
      case 'STDOUT':
      case 'STDERR':
        this.write(this.text(e), e.type === 'STDERR' ? 'stderr' : 'stdout');
        break;
      case 'INPUT_REQUIRED':
        this.showPrompt();
        break;
      case 'EXITED':
        this.hidePrompt();
        this.setStatus(e.signal ? `Killed by ${e.signal}` : `Exited with code ${e.exitCode}`);
        break;
      case 'COMPLETED':
        this.hidePrompt();
        if (e.result) this.result(e.result, false);
        break;
    }
  }

  /** Shows a finished run; `fromHistory` fills stdout/stderr from the result, as no stream was followed. */
  result(r: ExecutionResult, fromHistory: boolean): void {
    if (fromHistory) {
      const when = r.createdAt ? ` · ${timeAgo(r.createdAt)}` : '';
      replace(this.heading, h('h2', {}, 'Run '), h('code', {}, r.id.slice(0, 8)),
        h('span', { class: 'muted' }, ` ${r.language ?? ''} ${r.version ?? ''}${when}`));
      this.transcript.replaceChildren();
      if (r.run?.stdout) this.write(r.run.stdout, 'stdout');
      if (r.run?.stderr) this.write(r.run.stderr, 'stderr');
    }
    const compileText = [r.compile?.stdout, r.compile?.stderr].filter(Boolean).join('');
    if (compileText && (fromHistory || !this.compileText.textContent)) this.compileText.textContent = compileText;
    if (r.verdict === 'COMPILE_ERROR') {
      this.compileBox.hidden = false;
      this.compileBox.classList.add('failed');
      replace(this.compileBox, h('h3', {}, `Compile error${r.compile?.exitCode !== undefined ? ` (exit code ${r.compile.exitCode})` : ''}: the program did not run`), this.compileText);
      if (!this.compileText.textContent) this.compileText.textContent = '(the compiler printed nothing)';
      this.transcript.hidden = !this.transcript.textContent;
    }
    if (r.run?.stdoutTruncated || r.run?.stderrTruncated) this.write('\n[output truncated at the output limit]\n', 'info');
    if (!this.transcript.textContent && r.verdict !== 'COMPILE_ERROR' && r.status === 'COMPLETED') {
      this.transcript.append(h('span', { class: 'muted' }, '(no output)'));
    }
    this.setStatus(r.status === 'COMPLETED' ? 'Finished' : r.status);
    this.summary.hidden = false;
    replace(this.summary, verdictBadge(r.verdict, r.status), metrics(r), r.message ? h('p', { class: 'message' }, r.message) : null);
    this.artifacts.show(r.artifacts);
  }

  private write(text: string, kind: 'stdout' | 'stderr' | 'stdin' | 'info'): void {
    const muted = this.transcript.querySelector(':scope > .muted');
    if (muted) muted.remove();
    this.transcript.append(h('span', { class: kind }, text));
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private text(e: ExecutionEvent): string {
    if (e.data !== undefined) return e.data;
    if (e.dataBase64 === undefined) return '';
    // One decoder per stream: a character split across two events stays whole.
    const key = `${e.type}:${e.stream ?? ''}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = new TextDecoder()));
    return decoder.decode(Uint8Array.from(atob(e.dataBase64), (c) => c.charCodeAt(0)), { stream: true });
  }

  private showPrompt(): void {
    if (!this.sink) return;
    this.prompt.hidden = false;
    this.promptInput.focus();
  }

  private hidePrompt(): void {
    this.prompt.hidden = true;
  }

  private sendLine(): void {
    if (!this.sink) return;
    const line = `${this.promptInput.value}\n`;
    this.sink.stdin(line);
    this.write(line, 'stdin');
    this.promptInput.value = '';
    this.hidePrompt();
  }

  private sendEof(): void {
    this.sink?.eof();
    this.write('[EOF]\n', 'info');
    this.hidePrompt();
  }
}

function metrics(r: ExecutionResult): HTMLElement {
  const run = r.run;
  const items: [string, string][] = [];
  if (run) {
    items.push(['Exit code', run.signal ? `${run.exitCode ?? '–'} (${run.signal})` : String(run.exitCode ?? '–')]);
    items.push(['Wall time', formatMs(run.wallTimeMs)]);
    items.push(['CPU time', formatMs(run.cpuTimeMs)]);
    items.push(['Memory', run.memoryKb === undefined ? '–' : formatBytes(run.memoryKb * 1024)]);
  } else if (r.compile) {
    items.push(['Compiler exit code', String(r.compile.exitCode ?? '–')]);
    items.push(['Compile time', formatMs(r.compile.wallTimeMs)]);
  }
  return h('dl', { class: 'metrics' }, ...items.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}
