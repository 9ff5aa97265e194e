// A session's workspace: the file tree (open, new, rename, delete, upload, download as a zip) and an editor for the
// open file (Ctrl/Cmd+S saves). While the session is not running the files can only be read.
import { ApiError, type Api } from './api';
import { ErrorLine, act, formatBytes, h, replace, saveBlob } from './dom';
import { CodeEditor } from './editor';
import { languageOfFile } from './languages';
import type { FileEntry } from './types';

export interface TreeNode {
  name: string;
  path: string;
  type: FileEntry['type'];
  size: number;
  target?: string;
  children: TreeNode[];
}

/** Nests the flat listing; folders first, then by name. Dot files (and what is under them) only when asked. */
export function buildTree(entries: FileEntry[], showHidden: boolean): TreeNode[] {
  const root: TreeNode = { name: '', path: '', type: 'directory', size: 0, children: [] };
  const byPath = new Map<string, TreeNode>([['', root]]);
  const sorted = [...entries].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  for (const e of sorted) {
    const parts = e.path.split('/');
    if (!showHidden && parts.some((p) => p.startsWith('.'))) continue;
    const parent = byPath.get(parts.slice(0, -1).join('/'));
    if (!parent) continue; // under a folder cut off by truncation
    const node: TreeNode = { name: parts[parts.length - 1], path: e.path, type: e.type, size: e.size, target: e.target, children: [] };
    parent.children.push(node);
    byPath.set(e.path, node);
  }
  const order = (nodes: TreeNode[]) => {
    nodes.sort((a, b) => (a.type === 'directory') === (b.type === 'directory')
      ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1);
    nodes.forEach((n) => order(n.children));
  };
  order(root.children);
  return root.children;
}

/** Why a workspace path cannot be used, or undefined. */
export function pathProblem(path: string): string | undefined {
  if (!path || path.endsWith('/')) return 'Give the file a name.';
  if (path.startsWith('/')) return 'Paths are relative to the workspace: leave out the leading /.';
  if (path.split('/').some((p) => p === '..' || p === '.' || p === '')) return 'A path cannot hold ., .. or an empty part.';
  return undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export interface FilesPaneEvents {
  /** The user asked to start the session (to list or edit its files). */
  start(): void;
  /** A file was opened in the editor (remembered across page reloads). */
  opened(path: string): void;
}

export class FilesPane {
  /** The tree with its toolbar. */
  readonly treeEl: HTMLElement;
  /** The open file's editor. */
  readonly editorEl: HTMLElement;

  private readonly treeHost = h('div', { class: 'tree', role: 'tree', 'aria-label': 'Workspace files' });
  private readonly treeError = new ErrorLine();
  private readonly notice = h('div', { class: 'tree-notice', hidden: true });
  private readonly nameForm = h('form', { class: 'name-form', hidden: true });
  private readonly showHidden = h('input', { type: 'checkbox' });
  private readonly upload = h('input', { type: 'file', multiple: true, hidden: true });
  private readonly editButtons: HTMLButtonElement[];

  private readonly fileTitle = h('span', { class: 'file-title muted' }, 'No file open');
  private readonly saveButton = h('button', { class: 'small primary', disabled: true, title: 'Save (Ctrl/Cmd+S)' }, 'Save');
  private readonly editorError = new ErrorLine();
  private readonly editorHost = h('div', { class: 'editor-host' });
  private readonly binaryNote = h('div', { class: 'binary-note', hidden: true });
  private readonly noFile = h('p', { class: 'no-file muted' }, 'Open a file from the tree, or create one.');
  private readonly editor: CodeEditor;

  private entries: FileEntry[] = [];
  private readonly expanded = new Set<string>();
  private selected: string | undefined;
  private openPath: string | undefined;
  private readonly saved = new Map<string, string>();
  private editable: boolean;

  constructor(private readonly api: Api, private readonly sessionId: string, editable: boolean, private readonly events: FilesPaneEvents) {
    this.editable = editable;
    const button = (label: string, title: string, onclick: () => void) => h('button', { type: 'button', class: 'small', title, onclick }, label);
    const newButton = button('New file', 'Create a file (in the selected folder)', () => this.askName('new'));
    const uploadButton = button('Upload', 'Upload files (into the selected folder)', () => this.upload.click());
    const renameButton = button('Rename', 'Rename the selected file', () => this.askName('rename'));
    const deleteButton = button('Delete', 'Delete the selected file or folder', () => void this.deleteSelected());
    const zipButton = button('⤓ .zip', 'Download the workspace as a zip archive', () => void this.downloadArchive(zipButton));
    const refreshButton = button('↻', 'Refresh the tree', () => void this.refresh());
    refreshButton.setAttribute('aria-label', 'Refresh files');
    this.editButtons = [newButton, uploadButton, renameButton, deleteButton];
    this.upload.addEventListener('change', () => void this.uploadFiles());
    this.showHidden.addEventListener('change', () => this.renderTree());
    this.nameForm.addEventListener('submit', (e) => e.preventDefault());

    this.treeEl = h('section', { class: 'pane files-pane' },
      h('div', { class: 'pane-title' }, h('h3', {}, 'Files'), refreshButton),
      h('div', { class: 'row wrap' }, newButton, uploadButton, renameButton, deleteButton, zipButton),
      h('label', { class: 'check small' }, this.showHidden, ' Show hidden files'),
      this.upload, this.nameForm, this.treeError.el, this.notice, this.treeHost);

    this.editor = new CodeEditor(this.editorHost, { onSave: () => void this.save(), onChange: () => this.updateDirty() });
    this.saveButton.addEventListener('click', () => void this.save());
    this.editorEl = h('section', { class: 'pane file-editor' },
      h('div', { class: 'pane-title' }, this.fileTitle, this.saveButton),
      this.editorError.el, this.binaryNote, this.noFile, this.editorHost);
    this.editorHost.hidden = true;
    this.setEditable(editable);
  }

  setEditable(editable: boolean): void {
    this.editable = editable;
    for (const b of this.editButtons) b.disabled = !editable;
    this.editor.setReadOnly(!editable);
    this.updateDirty();
  }

  /** Lists the workspace again; reopens `reopen` (a path remembered from before a reload) when given. */
  async refresh(reopen?: string): Promise<void> {
    this.treeError.clear();
    try {
      const tree = await this.api.files(this.sessionId);
      this.entries = tree.entries;
      this.notice.hidden = !tree.truncated;
      if (tree.truncated) replace(this.notice, 'The workspace holds more files than one listing shows; some are left out.');
      this.renderTree();
      if (reopen && this.entries.some((e) => e.path === reopen && e.type === 'file')) await this.open(reopen);
    } catch (e) {
      this.entries = [];
      if (e instanceof ApiError && e.status === 409 && !this.editable) {
        replace(this.treeHost, h('div', { class: 'tree-notice' }, h('p', {}, e.message),
          h('button', { class: 'small primary', onclick: () => this.events.start() }, 'Start the session')));
      } else {
        this.treeHost.replaceChildren();
        this.treeError.show(e);
      }
    }
  }

  /** The path of the open file, to be remembered across reloads. */
  get openFile(): string | undefined {
    return this.openPath;
  }

  private renderTree(): void {
    const nodes = buildTree(this.entries, this.showHidden.checked);
    if (!nodes.length) {
      replace(this.treeHost, h('p', { class: 'muted placeholder' }, 'The workspace is empty. Create a file or upload one.'));
      return;
    }
    replace(this.treeHost, this.list(nodes));
  }

  private list(nodes: TreeNode[]): HTMLElement {
    return h('ul', { role: 'group' }, ...nodes.map((n) => {
      const dir = n.type === 'directory';
      const open = this.expanded.has(n.path);
      const icon = dir ? (open ? '▾' : '▸') : n.type === 'symlink' ? '↪' : '·';
      const item = h('button', {
        type: 'button',
        class: `tree-item${n.path === this.selected ? ' selected' : ''}${n.path === this.openPath ? ' open' : ''}`,
        role: 'treeitem',
        'data-path': n.path,
        'aria-expanded': dir ? String(open) : undefined,
        title: n.type === 'symlink' ? `${n.path} → ${n.target}` : dir ? n.path : `${n.path} (${formatBytes(n.size)})`,
        onclick: () => void this.activate(n),
      }, h('span', { class: 'icon', 'aria-hidden': 'true' }, icon), ` ${n.name}${dir ? '/' : ''}`);
      return h('li', {}, item, dir && open ? this.list(n.children) : null);
    }));
  }

  private async activate(n: TreeNode): Promise<void> {
    this.selected = n.path;
    if (n.type === 'directory') {
      if (this.expanded.has(n.path)) this.expanded.delete(n.path);
      else this.expanded.add(n.path);
      this.renderTree();
    } else if (n.type === 'file') {
      await this.open(n.path);
    } else {
      this.renderTree();
    }
  }

  /** The folder new files go into: the selected folder, or the selected file's folder. */
  private targetFolder(): string {
    if (!this.selected) return '';
    const entry = this.entries.find((e) => e.path === this.selected);
    if (entry?.type === 'directory') return `${entry.path}/`;
    const slash = this.selected.lastIndexOf('/');
    return slash < 0 ? '' : this.selected.slice(0, slash + 1);
  }

  async open(path: string): Promise<void> {
    this.editorError.clear();
    this.selected = path;
    await act(null, this.editorError, async () => {
      const bytes = await this.api.readFile(this.sessionId, path);
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        this.showBinary(path, bytes.byteLength);
        return;
      }
      // An unsaved edit of this file survives closing and reopening it.
      const dirty = this.saved.has(path) && this.editor.text(path) !== this.saved.get(path);
      this.binaryNote.hidden = this.noFile.hidden = true;
      this.editorHost.hidden = false;
      this.editor.open(path, text, languageOfFile(path), !dirty);
      this.editor.setReadOnly(!this.editable);
      this.saved.set(path, text);
      this.openPath = path;
      this.updateDirty();
      this.events.opened(path);
    });
    this.renderTree();
  }

  private showBinary(path: string, size: number): void {
    this.openPath = undefined;
    this.editorHost.hidden = this.noFile.hidden = true;
    this.binaryNote.hidden = false;
    replace(this.binaryNote, h('p', {}, `${path} is not text (${formatBytes(size)}).`),
      h('button', {
        class: 'small',
        onclick: async () => saveBlob(new Blob([await this.api.readFile(this.sessionId, path)]), path.split('/').pop()!),
      }, 'Download it'));
    this.fileTitle.textContent = path;
    this.saveButton.disabled = true;
  }

  private updateDirty(): void {
    const path = this.openPath;
    if (!path) {
      this.fileTitle.textContent = this.binaryNote.hidden ? 'No file open' : this.fileTitle.textContent;
      this.saveButton.disabled = true;
      return;
    }
    const dirty = this.editor.text() !== this.saved.get(path);
    this.fileTitle.textContent = `${path}${dirty ? ' ●' : ''}${this.editable ? '' : ' (read-only: the session is not running)'}`;
    this.fileTitle.classList.toggle('muted', false);
    this.saveButton.disabled = !this.editable || !dirty;
  }

  private async save(): Promise<void> {
    const path = this.openPath;
    if (!path || !this.editable) return;
    const text = this.editor.text();
    await act(this.saveButton, this.editorError, async () => {
      await this.api.writeFile(this.sessionId, path, new Blob([text], { type: 'text/plain;charset=utf-8' }));
      this.saved.set(path, text);
    });
    this.updateDirty();
    void this.refresh();
  }

  /** The inline field for a new file's path or a new name. */
  private askName(mode: 'new' | 'rename'): void {
    this.treeError.clear();
    const current = this.selected;
    if (mode === 'rename') {
      const entry = this.entries.find((e) => e.path === current);
      if (!entry) return this.treeError.show('Select the file to rename first.');
      if (entry.type === 'directory') return this.treeError.show('Folders are renamed in the terminal (mv old new).');
    }
    const input = h('input', {
      type: 'text',
      class: 'small',
      value: mode === 'new' ? this.targetFolder() : current,
      placeholder: 'path, e.g. src/app.js',
      'aria-label': mode === 'new' ? 'Path of the new file' : `New path for ${current}`,
    });
    const ok = h('button', { type: 'submit', class: 'small primary' }, mode === 'new' ? 'Create' : 'Rename');
    const cancel = h('button', { type: 'button', class: 'small', onclick: () => this.closeNameForm() }, 'Cancel');
    this.nameForm.onsubmit = async (e) => {
      e.preventDefault();
      const path = input.value.trim();
      const problem = pathProblem(path);
      if (problem) return this.treeError.show(problem);
      const done = await act(ok, this.treeError, async () => {
        if (mode === 'new') await this.create(path);
        else await this.rename(current!, path);
        return true;
      });
      if (done) this.closeNameForm();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.closeNameForm();
    });
    replace(this.nameForm, input, ok, cancel);
    this.nameForm.hidden = false;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  private closeNameForm(): void {
    this.nameForm.hidden = true;
    this.nameForm.replaceChildren();
  }

  private async create(path: string): Promise<void> {
    if (this.entries.some((e) => e.path === path)) throw new Error(`${path} already exists.`);
    await this.api.writeFile(this.sessionId, path, new Blob([]));
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) this.expanded.add(path.slice(0, i));
    await this.refresh();
    await this.open(path);
  }

  /** The API has no move: read, write under the new name, delete the old one. */
  private async rename(from: string, to: string): Promise<void> {
    if (from === to) return;
    if (this.entries.some((e) => e.path === to)) throw new Error(`${to} already exists.`);
    const content = from === this.openPath && this.editable ? new Blob([this.editor.text()]) : new Blob([await this.api.readFile(this.sessionId, from)]);
    await this.api.writeFile(this.sessionId, to, content);
    await this.api.deleteFile(this.sessionId, from);
    if (this.openPath === from) {
      this.editor.rename(from, to);
      this.saved.set(to, this.editor.text());
      this.saved.delete(from);
      this.openPath = to;
    }
    this.selected = to;
    await this.refresh();
    this.updateDirty();
  }

  private async deleteSelected(): Promise<void> {
    const path = this.selected;
    if (!path) return this.treeError.show('Select a file or folder to delete first.');
    const entry = this.entries.find((e) => e.path === path);
    if (!confirm(`Delete ${path}${entry?.type === 'directory' ? ' and everything in it' : ''}?`)) return;
    await act(null, this.treeError, async () => {
      await this.api.deleteFile(this.sessionId, path);
      if (this.openPath === path || this.openPath?.startsWith(`${path}/`)) this.closeFile();
      this.selected = undefined;
      await this.refresh();
    });
  }

  private closeFile(): void {
    if (this.openPath) this.editor.forget(this.openPath);
    this.openPath = undefined;
    this.editor.open('', '', undefined, true);
    this.editorHost.hidden = true;
    this.noFile.hidden = false;
    this.updateDirty();
  }

  private async uploadFiles(): Promise<void> {
    const files = [...(this.upload.files ?? [])];
    this.upload.value = '';
    if (!files.length) return;
    const folder = this.targetFolder();
    await act(null, this.treeError, async () => {
      for (const f of files) await this.api.writeFile(this.sessionId, folder + f.name, f);
      await this.refresh();
    });
  }

  private async downloadArchive(button: HTMLButtonElement): Promise<void> {
    await act(button, this.treeError, async () => saveBlob(await this.api.archive(this.sessionId), `session-${this.sessionId}.zip`));
  }

  /** Whether the editor holds edits that were not saved. */
  hasUnsavedChanges(): boolean {
    return !!this.openPath && this.editor.text() !== this.saved.get(this.openPath);
  }
}
