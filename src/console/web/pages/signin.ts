// Sign-in with an access key pair: the first-start administrator's (in the data folder's
// credentials file) or any IAM user's. Every attempt is recorded as a ConsoleLogin event.
import * as api from '../api.js';
import { errorText } from '../app.js';
import { busy, field, h, replace, status } from '../dom.js';

export function signInPage(root: HTMLElement, message: string | undefined, done: (s: api.SessionInfo) => void): void {
  const keyId = h('input', { name: 'accessKeyId', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'characters', maxlength: 128 });
  const secret = h('input', { name: 'secretAccessKey', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 });
  const token = h('input', { name: 'sessionToken', type: 'password', autocomplete: 'off', maxlength: 4096 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const notice = h('div', { class: 'notice-slot' }, message ? status('info', message) : null);
  const form = h('form', { class: 'card signin', novalidate: true },
    h('h1', { tabindex: -1 }, 'Sign in to the console'),
    h('p', { class: 'lead' }, 'Use an access key pair. The first-start administrator\u2019s pair is in the ',
      h('code', null, 'credentials'), ' file of chattrail\u2019s data folder (profile ', h('code', null, 'chattrail'), ').'),
    notice,
    field('Access key ID', keyId),
    field('Secret access key', secret),
    h('details', { class: 'more' }, h('summary', null, 'Temporary credentials'),
      field('Session token', token, 'Only for keys starting with ASIA, from sts assume-role or get-session-token.')),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!keyId.value.trim() || !secret.value.trim()) {
      replace(notice, status('error', 'Enter both the access key ID and the secret access key.'));
      (keyId.value.trim() ? secret : keyId).focus();
      return;
    }
    void busy(submit, 'Signing in\u2026', async () => {
      try {
        const s = await api.signIn(keyId.value.trim(), secret.value.trim(), token.value.trim());
        done(s);
      } catch (err) {
        secret.value = '';
        replace(notice, status('error', err instanceof api.ApiError && err.code === 'SignInFailed'
          ? 'Sign-in failed: the access key ID or secret access key is not valid.' : errorText(err)));
        secret.focus();
      }
    });
  });
  replace(root, h('main', { id: 'main', class: 'signin-page' },
    h('div', { class: 'signin-brand' }, h('img', { src: '/console/static/icon.svg', alt: '', width: 40, height: 40 }), h('span', null, 'chattrail')),
    form,
    h('p', { class: 'muted small' }, 'Sign-ins and every call the console makes are recorded in the trail, like any other API call.')));
  keyId.focus();
}
