// "Choose user role", the page a channel's `switch-role` / "Let's get started" link opens (as in
// AWS Chatbot's console): pick a role of this account for the channel configuration, Save, then
// Slack's authorization page confirms who you are in Slack and the role is mapped to you.
import * as api from '../api.js';
import type { Page } from '../app.js';
import { errorText } from '../app.js';
import { field, h, replace, status } from '../dom.js';

export const userRolePage: Page = (app, main, url) => {
  const arn = url.searchParams.get('configuration') ?? '';
  const note = h('div', { class: 'notice-slot' });
  const select = h('select', { id: 'user-role', required: true });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'user-role-save' }, 'Save');
  const form = h('form', { class: 'form' },
    field('User role', select, 'Commands you run in this channel will assume this role (within the channel\u2019s guardrails).'), save);
  replace(main,
    h('h1', null, 'Choose user role'),
    h('p', null, 'Channel configuration ', h('code', null, arn || '(none given)')),
    note, form);
  void (async () => {
    try {
      const roles = (await api.iam.listRoles(app.session.homeRegion)).Roles ?? [];
      replace(select, ...roles.map((r) => h('option', { value: r.Arn }, r.RoleName)));
    } catch (e) {
      replace(note, status('error', errorText(e)));
    }
  })();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save.disabled = true;
    void api.chooseUserRole(arn, select.value).then((r) => {
      replace(note, status('info', 'Slack\u2019s authorization page opens: choose Allow to map the role to your Slack user.'));
      window.location.assign(r.authorizationUrl);
    }, (err: unknown) => {
      save.disabled = false;
      replace(note, status('error', errorText(err)));
    });
  });
};
