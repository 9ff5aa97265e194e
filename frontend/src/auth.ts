// Signing in: the API key is kept in this browser's localStorage and sent only to the gateway this page came from.
import { Api } from './api';
import { ErrorLine, act, h } from './dom';

const KEY = 'playground.apiKey';

export const keyStore = {
  get: (): string | null => localStorage.getItem(KEY),
  set: (key: string): void => localStorage.setItem(KEY, key),
  clear: (): void => localStorage.removeItem(KEY),
};

/** The sign-in screen; `signedIn` gets an Api for a key the gateway accepted. */
export function signInView(signedIn: (api: Api) => void, notice?: string): HTMLElement {
  const input = h('input', {
    type: 'password',
    id: 'api-key',
    name: 'api-key',
    autocomplete: 'current-password',
    placeholder: 'pg_…',
    required: true,
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const error = new ErrorLine();
  if (notice) error.show(notice);
  const form = h('form', {
    class: 'sign-in card',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const key = input.value.trim();
      const api = new Api(key);
      // Any authenticated call tells whether the gateway knows the key; the runtimes are needed next anyway.
      const ok = await act(button, error, async () => (await api.runtimes(), true));
      if (ok) {
        keyStore.set(key);
        signedIn(api);
      } else {
        input.select();
      }
    },
  },
  h('h1', {}, h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }), ' Playground'),
  h('p', { class: 'muted' }, 'Run code in many languages and work in your own sessions with files, terminals and previews.'),
  h('label', { for: 'api-key' }, 'API key'),
  input,
  error.el,
  button,
  h('p', { class: 'muted small' },
    'The key stays in this browser and is sent only to this gateway. An operator makes one with ',
    h('code', {}, './playground up'), ' (kept in ', h('code', {}, '.playground/api-keys/'), ').'));
  setTimeout(() => input.focus());
  return h('main', { class: 'sign-in-page' }, form);
}
