// The tab bar over the run editor: one tab per source file (the first is the entry point), add, rename (double
// click or ✎), delete. Names are edited in place, in a small input that Enter commits and Escape abandons.
import { h } from './dom';

export interface TabEvents {
  select(name: string): void;
  add(name: string): void;
  rename(from: string, to: string): void;
  remove(name: string): void;
}

/** Why a file name cannot be used, or undefined when it can. */
export function fileNameProblem(name: string, taken: string[]): string | undefined {
  if (!name) return 'A file needs a name.';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) return 'Use letters, digits, dot, dash and underscore (no folders).';
  if (taken.includes(name)) return `There is already a file called ${name}.`;
  return undefined;
}

export class FileTabs {
  readonly el = h('div', { class: 'tabs', role: 'tablist' });
  private readonly problem = h('span', { class: 'error tab-problem', role: 'alert' });
  private names: string[] = [];
  private active = '';

  constructor(private readonly events: TabEvents) {}

  render(names: string[], active: string): void {
    this.names = names;
    this.active = active;
    this.el.replaceChildren(...names.map((n, i) => this.tab(n, i === 0)), this.addButton(), this.problem);
  }

  private tab(name: string, entry: boolean): HTMLElement {
    const selected = name === this.active;
    const label = h('button', {
      type: 'button',
      class: 'tab-label',
      role: 'tab',
      'aria-selected': String(selected),
      title: entry ? `${name} (entry point: runs first)` : name,
      onclick: () => this.events.select(name),
      ondblclick: () => this.edit(tab, name),
    }, entry ? h('span', { class: 'entry', 'aria-hidden': 'true' }, '▸ ') : null, name);
    const tab: HTMLElement = h('span', { class: `tab${selected ? ' active' : ''}`, 'data-file': name }, label,
      h('button', { type: 'button', class: 'tab-action', title: `Rename ${name}`, 'aria-label': `Rename ${name}`, onclick: () => this.edit(tab, name) }, '✎'),
      this.names.length > 1
        ? h('button', {
          type: 'button',
          class: 'tab-action',
          title: `Delete ${name}`,
          'aria-label': `Delete ${name}`,
          onclick: () => {
            if (confirm(`Delete ${name}?`)) this.events.remove(name);
          },
        }, '×')
        : null);
    return tab;
  }

  private addButton(): HTMLElement {
    const add: HTMLElement = h('button', {
      type: 'button',
      class: 'tab-add',
      title: 'Add a file',
      'aria-label': 'Add a file',
      onclick: () => this.edit(add, undefined),
    }, '+');
    return add;
  }

  /** Puts a name input where `anchor` is; `current` is the name being renamed, or undefined for a new file. */
  private edit(anchor: HTMLElement, current: string | undefined): void {
    const input = h('input', {
      class: 'tab-input',
      value: current ?? '',
      placeholder: 'file name, e.g. util.py',
      'aria-label': current ? `New name for ${current}` : 'Name of the new file',
    });
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      const name = input.value.trim();
      if (commit && name !== current) {
        const problem = fileNameProblem(name, this.names);
        if (problem) {
          this.problem.textContent = problem;
          input.focus();
          return;
        }
        done = true;
        this.problem.textContent = '';
        if (current === undefined) this.events.add(name);
        else this.events.rename(current, name);
        return;
      }
      done = true;
      this.problem.textContent = '';
      this.render(this.names, this.active);
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      else if (e.key === 'Escape') finish(false);
    });
    // Leaving the field keeps a usable new name and quietly drops anything else.
    input.addEventListener('blur', () => {
      const name = input.value.trim();
      finish(name !== current && !fileNameProblem(name, this.names));
    });
    anchor.replaceWith(input);
    input.focus();
    input.select();
  }
}
