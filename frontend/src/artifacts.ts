// Files a run wrote to its output folder. They are under the API, so they are fetched with the key: images become
// object URLs shown inline, anything else a link that downloads the fetched blob.
import type { Api } from './api';
import { describe, formatBytes, h, saveBlob } from './dom';
import type { Artifact } from './types';

export class ArtifactList {
  readonly el = h('div', { class: 'artifacts', hidden: true });
  private urls: string[] = [];

  constructor(private readonly api: Api) {}

  show(artifacts: Artifact[] | undefined): void {
    this.clear();
    if (!artifacts?.length) return;
    this.el.hidden = false;
    this.el.append(h('h3', {}, `Artifacts (${artifacts.length})`));
    for (const a of artifacts) {
      this.el.append(a.contentType?.startsWith('image/') ? this.image(a) : this.file(a));
    }
  }

  /** Drops what is shown and frees the object URLs behind it. */
  clear(): void {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
    this.el.replaceChildren();
    this.el.hidden = true;
  }

  private image(a: Artifact): HTMLElement {
    const img = h('img', { class: 'artifact-image', alt: a.name });
    const caption = h('figcaption', {}, this.downloadLink(a));
    void this.api.blob(a.url).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        this.urls.push(url);
        img.src = url;
      },
      (e) => caption.append(h('span', { class: 'error' }, ` could not be loaded: ${describe(e)}`)),
    );
    return h('figure', { class: 'artifact' }, img, caption);
  }

  private file(a: Artifact): HTMLElement {
    return h('div', { class: 'artifact' }, this.downloadLink(a));
  }

  private downloadLink(a: Artifact): HTMLElement {
    const error = h('span', { class: 'error' });
    const link = h('a', {
      href: '#',
      class: 'artifact-link',
      onclick: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        try {
          saveBlob(await this.api.blob(a.url), a.name.split('/').pop() || a.name);
        } catch (err) {
          error.textContent = ` ${describe(err)}`;
        }
      },
    }, a.name);
    return h('span', {}, link, h('span', { class: 'muted' }, ` ${formatBytes(a.size)} · ${a.contentType}`), error);
  }
}
