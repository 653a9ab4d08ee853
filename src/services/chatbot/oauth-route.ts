// GET /slack/oauth/callback: where Slack sends the browser after the install. It redeems the code
// through the internal client as the caller the state is bound to (so the RedeemSlackOAuthCode
// record exists, like a console call) and answers a small HTML page saying what happened.
import type { Route } from '../../core/routes.js';
import type { RawResponse } from '../../protocol/http.js';
import type { InternalClient } from '../../core/internal-client.js';
import type { ServiceModel } from '../../protocol/model.js';
import { statusOf } from '../../protocol/errors.js';
import type { OAuthStates } from '../../slack/oauth-state.js';
import { OAuthStateError } from '../../slack/oauth-state.js';
import { stateFailure } from './slack-errors.js';
import type { UserRoleMapping } from './user-roles.js';

export const CALLBACK_PATH = '/slack/oauth/callback';

export interface OAuthRouteDeps {
  /** Chatbot's model, for the HTTP status of an error. */
  model: ServiceModel;
  client: InternalClient;
  states: OAuthStates;
  /** A channel member's user-role choice comes back through the same redirect. */
  userRoles?: UserRoleMapping;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(status: number, title: string, body: string): RawResponse {
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} – chattrail</title></head>`
    + `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>\n`;
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: html,
  };
}

export function oauthRoute(deps: OAuthRouteDeps): Route {
  return {
    prefix: '/slack/oauth/',
    async handle(req, sourceIp) {
      if (req.rawPath !== CALLBACK_PATH) return page(404, 'Not found', `Nothing is served at ${req.rawPath}.`);
      if (req.method !== 'GET') return { ...page(405, 'Method not allowed', 'Slack redirects here with GET.'), headers: { allow: 'GET', 'content-type': 'text/html; charset=utf-8' } };
      const code = req.query.get('code');
      const state = req.query.get('state');
      const denied = req.query.get('error');
      if (denied) {
        // The user cancelled on Slack's page: the state will not be used again.
        if (state) await deps.states.peek(state).then((r) => deps.states.consume(r.nonce), () => undefined);
        return page(400, 'Slack authorization cancelled', `Slack did not authorize chattrail (${denied}). Start again from chattrail when you are ready.`);
      }
      if (!code || !state) return page(400, 'Slack authorization failed', 'The redirect from Slack is missing its code or state parameter.');
      if (deps.userRoles && await deps.userRoles.pending(state)) {
        const done = await deps.userRoles.finish(state, code);
        if (!done.ok) return page(done.status, done.title, done.message);
        const id = done.identity;
        return page(200, 'User role saved', `Slack user ${id.SlackUserId} now runs commands in ${done.configurationName} as ${id.IamRoleArn}. You can close this tab and go back to the channel.`);
      }
      let rec;
      try {
        rec = await deps.states.peek(state);
      } catch (e) {
        if (!(e instanceof OAuthStateError)) throw e;
        return page(400, 'Slack authorization failed', stateFailure(e).message);
      }
      const result = await deps.client.callAs(rec.principal, 'chatbot', 'RedeemSlackOAuthCode', { Code: code, State: state },
        { region: rec.region, via: { console: { sourceIp, userAgent: req.headers['user-agent'] ?? '' } } });
      if (!result.ok) {
        const status = statusOf(result.error, (c) => deps.model.statusOfError(c));
        return page(status, 'Slack authorization failed', `${result.error.code}: ${result.error.message}`);
      }
      const out = result.output as { SlackTeamId: string; SlackTeamName: string };
      return page(200, 'Slack workspace connected',
        `Slack workspace ${out.SlackTeamName} (${out.SlackTeamId}) is now authorized for AWS account ${rec.accountId}. You can close this tab and create channel configurations.`);
    },
  };
}
