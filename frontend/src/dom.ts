// A few lines instead of a framework: build elements, show an action's error next to it, format numbers.
import { ApiError } from './api';

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

/**
 * Creates an element: `on*` functions become listeners, `class` the class name, booleans and `value` are set as
 * properties, everything else becomes an attribute.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (name === 'class') {
      el.className = String(value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else if (name === 'value' || name === 'checked') {
      (el as unknown as Record<string, unknown>)[name] = value;
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces the children of an element. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** An error line that sits where its action is; `show` takes anything thrown, `clear` hides it. */
export class ErrorLine {
  readonly el = h('p', { class: 'error', role: 'alert', hidden: true });

  show(error: unknown): void {
    this.el.textContent = describe(error);
    this.el.hidden = false;
  }

  clear(): void {
    this.el.textContent = '';
    this.el.hidden = true;
  }
}

/** What a person should read about a failure: the problem's detail when the API gave one. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs an async action with its button disabled and its error shown (or cleared) on the given line. */
export async function act<T>(button: HTMLButtonElement | null, errors: ErrorLine, action: () => Promise<T>): Promise<T | undefined> {
  errors.clear();
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    errors.show(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function formatBytes(n: number | undefined | null): string {
  if (n === undefined || n === null) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '–';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function timeAgo(iso: string | undefined): string {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** Saves a blob under a name, as a download link would. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
