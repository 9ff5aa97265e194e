// The page: sign in, then two screens, Run and Sessions, chosen by the URL's hash (#/run[/id], #/sessions[/id]), so
// a reload or a shared link comes back to the same run or session.
import './styles.css';
import { Api } from './api';
import { keyStore, signInView } from './auth';
import { h, replace } from './dom';
import { RunView } from './runner';
import type { SessionsView } from './sessions';

const root = document.getElementById('app')!;
const NOTICE = 'playground.notice';

function startApp(api: Api): void {
  // A key the gateway stops accepting (revoked, or the stack's keys changed) sends the user back to sign in.
  api.onUnauthorized = (error) => {
    keyStore.clear();
    sessionStorage.setItem(NOTICE, `Signed out: ${error.message}`);
    location.reload();
  };
  const run = new RunView(api);
  // The Sessions screen is loaded on its first visit: the terminal (xterm.js) is a good part of the page's weight.
  const sessionsSlot = h('section', { class: 'view' });
  let sessions: Promise<SessionsView> | undefined;
  const loadSessions = () => (sessions ??= import('./sessions').then(({ SessionsView }) => {
    const view = new SessionsView(api);
    sessionsSlot.replaceWith(view.el);
    return view;
  }));
  const nav = {
    run: h('a', { href: '#/run', class: 'nav-link' }, 'Run'),
    sessions: h('a', { href: '#/sessions', class: 'nav-link' }, 'Sessions'),
  };
  const signOut = h('button', {
    class: 'small',
    onclick: () => {
      keyStore.clear();
      location.hash = '';
      location.reload();
    },
  }, 'Sign out');
  replace(root,
    h('header', { class: 'app-header' },
      h('a', { href: '#/run', class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 22, height: 22 }), ' Playground'),
      h('nav', {}, nav.run, nav.sessions),
      h('span', { class: 'spacer' }),
      signOut),
    run.el, sessionsSlot);

  const route = () => {
    const [, screen, id] = location.hash.replace(/^#/, '').split('/');
    const target = id ? decodeURIComponent(id) : undefined;
    const onSessions = screen === 'sessions';
    nav.run.classList.toggle('active', !onSessions);
    nav.sessions.classList.toggle('active', onSessions);
    run.el.hidden = onSessions;
    sessionsSlot.hidden = !onSessions;
    if (onSessions) {
      void loadSessions().then((view) => {
        view.el.hidden = false;
        return view.show(target);
      });
    } else {
      void sessions?.then((view) => {
        view.el.hidden = true;
        view.hide();
      });
      void run.show(target);
    }
  };
  window.addEventListener('hashchange', route);
  route();
}

const key = keyStore.get();
if (key) {
  startApp(new Api(key));
} else {
  const notice = sessionStorage.getItem(NOTICE) ?? undefined;
  sessionStorage.removeItem(NOTICE);
  replace(root, signInView(startApp, notice));
}
