// Package installs into a session's workspace (npm or pip, through the server's allow-listed proxy), with the
// installer's output shown as it came back.
import type { Api } from './api';
import { ErrorLine, act, formatMs, h } from './dom';

export class PackagesPane {
  readonly el: HTMLElement;
  private readonly manager = h('select', { 'aria-label': 'Package manager', class: 'small' },
    h('option', { value: 'npm' }, 'npm'), h('option', { value: 'pip' }, 'pip'));
  private readonly names = h('input', { type: 'text', class: 'small', placeholder: 'e.g. express lodash', 'aria-label': 'Packages' });
  private readonly button = h('button', { type: 'submit', class: 'small' }, 'Install');
  private readonly error = new ErrorLine();
  private readonly result = h('div', { class: 'package-result', hidden: true });

  constructor(private readonly api: Api, private readonly sessionId: string, template: string) {
    this.manager.value = template === 'python' ? 'pip' : 'npm';
    this.el = h('section', { class: 'pane packages-pane' },
      h('h3', {}, 'Packages'),
      h('form', { class: 'row', onsubmit: (e: Event) => { e.preventDefault(); void this.install(); } },
        this.manager, this.names, this.button),
      this.error.el,
      this.result);
  }

  private async install(): Promise<void> {
    const packages = this.names.value.split(/[\s,]+/).filter(Boolean);
    if (!packages.length) {
      this.error.show('Name at least one package.');
      return;
    }
    this.result.hidden = false;
    this.result.replaceChildren(h('p', { class: 'muted' }, `Installing ${packages.join(', ')}…`));
    const r = await act(this.button, this.error, () => this.api.installPackages(this.sessionId, this.manager.value, packages));
    if (!r) {
      this.result.hidden = true;
      return;
    }
    const ok = r.exitCode === 0 && !r.timedOut;
    this.result.replaceChildren(
      h('p', { class: ok ? 'ok' : 'error' },
        ok ? `Installed ${r.packages.join(', ')}` : r.timedOut ? 'The install timed out' : `The install failed (exit code ${r.exitCode})`,
        r.durationMs !== undefined ? ` in ${formatMs(r.durationMs)}` : ''),
      h('pre', { class: 'package-output' }, r.output || '(no output)'));
  }
}
