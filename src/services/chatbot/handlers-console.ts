// The console operations of Chatbot (our model extension): the Slack OAuth v2 install
// (GetSlackOAuthParameters → Slack → RedeemSlackOAuthCode, which calls oauth.v2.access) and
// DescribeSlackChannels, which pages through conversations.list with the workspace's own token.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { ChatbotDeps } from './deps.js';
import { BOT_SCOPES } from '../../slack/scopes.js';
import { SlackCallError, type SlackChannelInfo } from '../../slack/client.js';
import { decodeToken, encodeToken } from '../shared/pagination.js';
import { BAD_TOKEN } from './pagination.js';
import { SLACK_SETTINGS_HINT, slackFailure, stateFailure } from './slack-errors.js';

/** Slack recommends pages of at most 200 conversations. */
const SLACK_PAGE = 200;
/** A bound on Slack calls for one page of ours, should Slack keep answering with short pages. */
const MAX_SLACK_PAGES = 20;

function slackApp(deps: ChatbotDeps): { clientId: string; clientSecret: string } {
  const { clientId, clientSecret } = deps.config.slack;
  if (!clientId || !clientSecret) {
    throw new AwsError('InvalidRequestException', `chattrail has no Slack app configured: ${SLACK_SETTINGS_HINT}.`);
  }
  return { clientId, clientSecret };
}

/** Where Slack sends the browser back: configured, or this server's own callback. */
export function redirectUriOf(deps: Pick<ChatbotDeps, 'config' | 'baseUrl'>): string {
  if (deps.config.slack.redirectUri) return deps.config.slack.redirectUri;
  const base = (deps.config.publicUrl ?? deps.baseUrl()).replace(/\/+$/, '');
  return `${base}/slack/oauth/callback`;
}

export function consoleHandlers(deps: ChatbotDeps): Record<string, Handler> {
  const { store, states } = deps;

  return {
    async GetSlackOAuthParameters(_i: Record<string, never>, ctx: CallContext) {
      const app = slackApp(deps);
      const redirectUri = redirectUriOf(deps);
      const { state, expiresAt } = await states.issue({ accountId: ctx.accountId, principal: ctx.principal, region: ctx.region, redirectUri });
      return {
        AuthorizationUrl: store.slack.authorizeUrl({ clientId: app.clientId, scopes: BOT_SCOPES, redirectUri, state }),
        State: state, ExpiresAt: expiresAt,
      };
    },

    async RedeemSlackOAuthCode(i: { Code: string; State: string }, ctx: CallContext) {
      const app = slackApp(deps);
      let rec;
      try {
        rec = await states.peek(i.State);
        // Bound to the caller: checked before claiming, so another caller cannot spend the state.
        if (rec.accountId !== ctx.accountId || rec.principal.arn !== ctx.principal.arn) {
          throw new AwsError('InvalidRequestException', 'The State was issued to another caller: the identity that called GetSlackOAuthParameters must redeem it.');
        }
        rec = await states.claim(i.State);
      } catch (e) {
        throw e instanceof AwsError ? e : stateFailure(e);
      }
      let access;
      try {
        access = await store.slack.oauthAccess({ ...app, code: i.Code, redirectUri: rec.redirectUri });
      } catch (e) {
        // A transient failure leaves the state usable, so the same code can be tried again.
        if (e instanceof SlackCallError && (e.kind === 'network' || e.kind === 'ratelimited')) await states.release(rec.nonce);
        else await states.consume(rec.nonce);
        throw slackFailure('RedeemSlackOAuthCode', e);
      }
      await store.saveInstallation(ctx.accountId, ctx.principal.arn, {
        teamId: access.teamId, teamName: access.teamName, botToken: access.botToken, botUserId: access.botUserId,
        appId: access.appId, scopes: access.scopes, installedAt: ctx.clock.now(),
      });
      await states.consume(rec.nonce);
      return { SlackTeamId: access.teamId, SlackTeamName: access.teamName };
    },

    async DescribeSlackChannels(i: { SlackTeamId: string; MaxResults?: number; NextToken?: string }, ctx: CallContext) {
      if (!(await store.workspaces.get(ctx.accountId, i.SlackTeamId))) {
        throw new AwsError('ResourceNotFoundException', `Slack workspace ${i.SlackTeamId} is not authorized for account ${ctx.accountId}.`);
      }
      const inst = await store.installation(i.SlackTeamId);
      if (!inst || inst.needsReauthorization) {
        throw new AwsError('InvalidRequestException', inst?.reauthorizationReason ?? `chattrail is no longer installed in Slack workspace ${i.SlackTeamId}; authorize it again.`);
      }
      // Not in Chatbot's paginator file (it is chattrail's own operation): the shared tokens carry
      // Slack's cursor, bound to the caller's account and the workspace.
      const tokens = { scope: `chatbot:DescribeSlackChannels:${ctx.accountId}:${i.SlackTeamId}`, badToken: () => new AwsError('InvalidParameterException', BAD_TOKEN) };
      let cursor = i.NextToken === undefined ? undefined : decodeToken(i.NextToken, tokens);
      let remaining = i.MaxResults ?? 100;
      const channels: SlackChannelInfo[] = [];
      try {
        await store.withWorkspaceToken(i.SlackTeamId, async (token) => {
          // Ask Slack for no more than we still need, so a page boundary is always a Slack cursor.
          for (let n = 0; n < MAX_SLACK_PAGES && remaining > 0; n++) {
            const page = await store.slack.listChannels(token, Math.min(remaining, SLACK_PAGE), cursor);
            channels.push(...page.channels);
            remaining -= page.channels.length;
            cursor = page.nextCursor;
            if (!cursor) break;
          }
        });
      } catch (e) {
        throw slackFailure('DescribeSlackChannels', e, i.SlackTeamId);
      }
      return {
        SlackChannels: channels.map((c) => ({ SlackChannelId: c.id, SlackChannelName: c.name, IsPrivate: c.isPrivate })),
        NextToken: cursor ? encodeToken(tokens.scope, cursor) : undefined,
      };
    },
  };
}
