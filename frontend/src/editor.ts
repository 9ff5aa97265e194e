// One CodeMirror 6 editor that shows one document at a time. Each document keeps its own EditorState, so switching
// tabs or files keeps every file's undo history and cursor.
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { highlighting } from './languages';

export interface EditorOptions {
  /** Ctrl/Cmd+Enter. */
  onRun?: () => void;
  /** Ctrl/Cmd+S. */
  onSave?: () => void;
  onChange?: (text: string) => void;
}

export class CodeEditor {
  readonly view: EditorView;
  private readonly language = new Compartment();
  private readonly readOnly = new Compartment();
  private readonly states = new Map<string, EditorState>();
  private current: string | undefined;
  private languageLoad = 0;

  constructor(parent: HTMLElement, private readonly options: EditorOptions = {}) {
    this.view = new EditorView({ parent, state: this.newState('') });
  }

  /**
   * Shows the document `key` (creating it with `text` the first time), highlighted as `language`.
   * Pass `fresh` to replace a kept document's text.
   */
  open(key: string, text: string, language: string | undefined, fresh = false): void {
    if (this.current !== undefined) this.states.set(this.current, this.view.state);
    let state = fresh ? undefined : this.states.get(key);
    if (!state) {
      state = this.newState(text);
      this.states.set(key, state);
    }
    this.current = key;
    this.view.setState(state);
    void this.setLanguage(language);
  }

  /** Forgets a document (a deleted file or tab). */
  forget(key: string): void {
    this.states.delete(key);
  }

  /** Moves a document to a new key (a renamed file). */
  rename(from: string, to: string): void {
    const state = from === this.current ? this.view.state : this.states.get(from);
    this.states.delete(from);
    if (state) this.states.set(to, state);
    if (this.current === from) this.current = to;
  }

  text(key?: string): string {
    if (key === undefined || key === this.current) return this.view.state.doc.toString();
    return this.states.get(key)?.doc.toString() ?? '';
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({ effects: this.readOnly.reconfigure(EditorState.readOnly.of(readOnly)) });
  }

  focus(): void {
    this.view.focus();
  }

  private async setLanguage(language: string | undefined): Promise<void> {
    const load = ++this.languageLoad;
    const extension = await highlighting(language);
    // A later open() wins over a slower load started before it.
    if (load === this.languageLoad) this.view.dispatch({ effects: this.language.reconfigure(extension) });
  }

  private newState(text: string): EditorState {
    const keys = [
      { key: 'Mod-Enter', run: () => (this.options.onRun?.(), true) },
      { key: 'Mod-s', run: () => (this.options.onSave?.(), true), preventDefault: true },
    ];
    const extensions: Extension[] = [
      Prec.highest(keymap.of(keys)),
      basicSetup,
      keymap.of([indentWithTab]),
      this.language.of([]),
      this.readOnly.of(EditorState.readOnly.of(false)),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) this.options.onChange?.(u.state.doc.toString());
      }),
      EditorState.tabSize.of(4),
    ];
    return EditorState.create({ doc: text, extensions });
  }
}
