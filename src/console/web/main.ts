// The console's entry: asks the server who is signed in, draws the shell (navigation, region
// selector, sign-out) and routes /console/... paths to pages without reloading.
import * as api from './api.js';
import type { App, Page } from './app.js';
import { errorText, pageUrl } from './app.js';
import { h, replace, status } from './dom.js';
import { regionLabel } from './format.js';
import { eventsPage } from './pages/events.js';

const REGION_KEY = 'chattrail.region';
const root = document.getElementById('app')!;
let stopPage: (() => void) | undefined;
/** The signed-in app, for back/forward navigation; undefined on the sign-in page. */
let current: App | undefined;

const NAV: { path: string; label: string }[] = [
  { path: '/console/events', label: 'Event history' },
  { path: '/console/trails', label: 'Trails' },
  { path: '/console/chat', label: 'Chat clients' },
];

/** Event history (the landing page) is loaded with the shell; other pages load when first opened. */
function pageFor(path: string): { load: () => Page | Promise<Page>; title: string } | undefined {
  if (path === '/console/events' || path === '/console/') return { load: () => eventsPage, title: 'Event history' };
  if (path.startsWith('/console/events/')) return { load: () => import('./pages/event-detail.js').then((m) => m.eventDetailPage), title: 'Event record' };
  if (path === '/console/trails') return { load: () => import('./pages/trails.js').then((m) => m.trailsPage), title: 'Trails' };
  if (path === '/console/files') return { load: () => import('./pages/files.js').then((m) => m.filesPage), title: 'Delivered files' };
  if (path === '/console/chat/user-role') return { load: () => import('./pages/user-role.js').then((m) => m.userRolePage), title: 'Choose user role' };
  if (path === '/console/chat') return { load: () => import('./pages/chat.js').then((m) => m.chatPage), title: 'Chat clients' };
  return undefined;
}

let renderSeq = 0;

function showSignIn(message?: string): void {
  current = undefined;
  stopPage?.();
  stopPage = undefined;
  const next = location.pathname.startsWith('/console/') && location.pathname !== '/console/signin' ? location.pathname + location.search : '/console/events';
  if (location.pathname !== '/console/signin') history.replaceState(null, '', `/console/signin?next=${encodeURIComponent(next)}`);
  document.title = 'Sign in · chattrail';
  void import('./pages/signin.js').then((m) => m.signInPage(root, message, (session) => {
    const target = new URLSearchParams(location.search).get('next') ?? '/console/events';
    history.replaceState(null, '', target.startsWith('/console/') ? target : '/console/events');
    start(session);
  }));
}

function start(session: api.SessionInfo): void {
  const stored = localStorage.getItem(REGION_KEY);
  const app: App = {
    session,
    region: stored && session.regions.includes(stored) ? stored : session.homeRegion,
    navigate(path, opts) {
      if (opts?.replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
      render(app, true);
    },
  };
  current = app;
  const main = h('main', { id: 'main', tabindex: -1 });
  const regionSelect = h('select', { id: 'region', 'aria-label': 'Region' },
    session.regions.map((r) => h('option', { value: r, selected: r === app.region }, regionLabel(r))));
  regionSelect.title = 'Region';
  regionSelect.addEventListener('change', () => {
    app.region = regionSelect.value;
    localStorage.setItem(REGION_KEY, app.region);
    const url = new URL(location.href);
    url.searchParams.set('region', app.region);
    app.navigate(url.pathname + url.search, { replace: true });
  });
  const signOut = h('button', { type: 'button', class: 'btn btn-quiet', id: 'signout' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await api.signOut();
    } catch {
      // Signed out on the server or not, the page forgets the session.
    }
    showSignIn('You have signed out.');
  });
  const nav = h('nav', { 'aria-label': 'Console' }, h('ul', null, NAV.map((n) => h('li', null, h('a', { href: n.path, 'data-nav': n.path }, n.label)))));
  replace(root,
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/console/events' }, h('img', { src: '/console/static/icon.svg', alt: '', width: 24, height: 24 }), h('span', null, 'chattrail')),
      nav,
      h('div', { class: 'tools' },
        h('span', { class: 'region-picker' }, regionSelect),
        h('span', { class: 'who', title: session.arn }, `${session.userName} @ ${session.accountId}`),
        signOut)),
    main);
  render(app);
}

/** Draws the page for the current URL; after a navigation, focus moves to its heading (keyboard, screen readers). */
function render(app: App, focus = false): void {
  stopPage?.();
  stopPage = undefined;
  const url = new URL(location.href);
  const urlRegion = url.searchParams.get('region');
  if (urlRegion && app.session.regions.includes(urlRegion) && urlRegion !== app.region) {
    app.region = urlRegion;
    const sel = document.getElementById('region') as HTMLSelectElement | null;
    if (sel) sel.value = urlRegion;
  }
  if (url.pathname === '/console/' || url.pathname === '/console/signin') {
    history.replaceState(null, '', pageUrl('/console/events', app.region));
    return render(app, focus);
  }
  for (const a of document.querySelectorAll<HTMLAnchorElement>('a[data-nav]')) {
    const on = url.pathname === a.dataset.nav || (a.dataset.nav === '/console/trails' && url.pathname === '/console/files')
      || (a.dataset.nav === '/console/events' && url.pathname.startsWith('/console/events/'));
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const main = document.getElementById('main')!;
  const found = pageFor(url.pathname);
  if (!found) {
    document.title = 'Not found · chattrail';
    replace(main, h('h1', { tabindex: -1 }, 'Page not found'), h('p', null, h('a', { href: '/console/events' }, 'Go to Event history')));
    return;
  }
  document.title = `${found.title} · chattrail`;
  const seq = ++renderSeq;
  const show = (page: Page) => {
    if (seq !== renderSeq) return; // another navigation happened while this page loaded
    replace(main);
    stopPage = page(app, main, url) ?? undefined;
    if (focus) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  };
  const loaded = found.load();
  if (loaded instanceof Promise) loaded.then(show, (e: unknown) => replace(main, status('error', `This page could not be loaded: ${errorText(e)}`)));
  else show(loaded);
}

/** Same-origin console links navigate in place; modified clicks (new tab) keep their default. */
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console/') || url.pathname.startsWith('/console/static/')) return;
  if (!document.getElementById('main')) return;
  e.preventDefault();
  history.pushState(null, '', url.pathname + url.search);
  window.dispatchEvent(new PopStateEvent('popstate'));
});

window.addEventListener('popstate', () => { if (current) render(current, true); });

async function boot(): Promise<void> {
  api.onSignedOut(() => showSignIn('Your console session has ended. Sign in again.'));
  try {
    const s = await api.getSession();
    if (!s.signedIn) return showSignIn();
    start(s);
  } catch (e) {
    replace(root, h('main', { id: 'main', class: 'narrow' }, h('h1', null, 'chattrail console'), status('error', `The console could not reach the server: ${errorText(e)}`)));
  }
}

void boot();
