// The preview of a session's port: an iframe on the port's own origin (its previewUrl carries a signed token the
// gateway trades for a cookie on that origin), and a button to open it in a tab. The page's own origin holds the
// API key, so a preview URL on it would let the previewed program read the key: such a frame gets an opaque origin.
import type { Api } from './api';
import { ErrorLine, act, h, replace } from './dom';
import type { Session } from './types';

export class PreviewPane {
  readonly el: HTMLElement;
  private readonly portSelect = h('select', { 'aria-label': 'Port', class: 'small' });
  private readonly frameHost = h('div', { class: 'preview-host' });
  private readonly error = new ErrorLine();
  private readonly reloadButton = h('button', { class: 'small', title: 'Load the preview again' }, '↻ Reload');
  private readonly openButton = h('button', { class: 'small', title: 'Open the preview in a new tab' }, '↗ New tab');
  private session: Session;
  private readonly onPolicyViolation = (e: SecurityPolicyViolationEvent) => {
    if (e.effectiveDirective === 'frame-src' && this.frameHost.querySelector('iframe')) {
      this.error.show(`This page's Content-Security-Policy lets previews load only from their own origin `
        + `(http://*.preview.localhost:* or https:), and the gateway gave ${e.blockedURI}.`);
    }
  };

  constructor(private readonly api: Api, session: Session) {
    this.session = session;
    document.addEventListener('securitypolicyviolation', this.onPolicyViolation);
    this.reloadButton.addEventListener('click', () => void this.reload());
    this.openButton.addEventListener('click', () => void this.openInTab());
    this.portSelect.addEventListener('change', () => this.load());
    this.el = h('section', { class: 'pane preview-pane' },
      h('div', { class: 'pane-title' }, h('h3', {}, 'Preview'), this.portSelect, this.reloadButton, this.openButton),
      this.error.el,
      this.frameHost);
    this.update(session);
  }

  /** Takes a newer record of the session (its state or ports changed, or its tokens were renewed). */
  update(session: Session): void {
    const before = this.portSelect.value;
    this.session = session;
    const ports = session.ports ?? [];
    replace(this.portSelect, ...ports.map((p) => h('option', { value: String(p.port) }, `port ${p.port}`)));
    if (ports.some((p) => String(p.port) === before)) this.portSelect.value = before;
    const usable = ports.length > 0;
    this.portSelect.hidden = !usable;
    // A stopped session serves nothing: its preview would only be the gateway's error page.
    this.reloadButton.disabled = this.openButton.disabled = !usable || session.state !== 'RUNNING';
    if (!usable) {
      replace(this.frameHost, h('p', { class: 'muted placeholder' },
        'This session has no preview port. Create a session with a port (for example 3000) to see a web server running in it here.'));
    } else if (session.state !== 'RUNNING') {
      replace(this.frameHost, h('p', { class: 'muted placeholder' }, `The session is ${session.state}: start it, then start a server on port ${this.port()?.port}.`));
    } else if (!this.frameHost.querySelector('iframe') || before !== this.portSelect.value) {
      this.load();
    }
  }

  dispose(): void {
    document.removeEventListener('securitypolicyviolation', this.onPolicyViolation);
  }

  private port(): Session['ports'][number] | undefined {
    return this.session.ports.find((p) => String(p.port) === this.portSelect.value) ?? this.session.ports[0];
  }

  private load(): void {
    const port = this.port();
    if (!port) return;
    this.error.clear();
    const url = new URL(port.previewUrl, location.href);
    const frame = h('iframe', {
      class: 'preview-frame',
      title: `Preview of port ${port.port}`,
      src: url.href,
      // Cross-origin (the normal case): the preview keeps its origin, so its cookie and relative URLs work.
      sandbox: `allow-scripts allow-forms allow-popups allow-modals allow-downloads${url.origin === location.origin ? '' : ' allow-same-origin'}`,
    });
    replace(this.frameHost, frame,
      h('p', { class: 'muted preview-hint' }, `Listen on 0.0.0.0:${port.port} inside the session, then Reload.`));
  }

  /** Reads the record again (a fresh token), then loads the frame. */
  private async reload(): Promise<void> {
    await act(this.reloadButton, this.error, async () => {
      this.session = await this.api.session(this.session.id);
      this.update(this.session);
      this.load();
    });
  }

  private async openInTab(): Promise<void> {
    // Opened synchronously in the click, so no popup blocker objects; pointed at a fresh URL once it is known.
    const tab = window.open('about:blank', '_blank');
    const opened = await act(this.openButton, this.error, async () => {
      this.session = await this.api.session(this.session.id);
      const port = this.port();
      if (!port) throw new Error('This session has no preview port.');
      if (tab) {
        tab.opener = null;
        tab.location.href = port.previewUrl;
      } else {
        window.open(port.previewUrl, '_blank', 'noopener');
      }
      return true;
    });
    // The error is shown in this pane: a blank tab would only hide it.
    if (!opened) tab?.close();
  }
}
