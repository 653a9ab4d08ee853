// A channel member maps their own user role, as AWS Chatbot's console does ("Choose user role",
// Save, then Slack's authorization page fetches the chat client identity, Allow): signed in to the
// configuration's account they choose a role (begin), Slack's OAuth redirect then tells chattrail
// who they are in Slack (oauth.v2.access's authed_user), and only then is the identity stored.
// Administrators can unmap (DeleteSlackUserIdentity), never map: AWS says only channel members can.
import { AwsError } from '../../protocol/errors.js';
import type { UserRoleChoice } from '../../core/chat-directory.js';
import type { Clock } from '../../common/runtime.js';
import type { DocumentStore } from '../../storage/documents.js';
import { OAuthStateError, type OAuthStates } from '../../slack/oauth-state.js';
import { parseRoleArn } from '../../auth/pass-role.js';
import type { ChatbotDeps } from './deps.js';
import { redirectUriOf } from './handlers-console.js';
import { SLACK_SETTINGS_HINT } from './slack-errors.js';
import type { SlackUserIdentity } from './records.js';
import type { ChatbotStore } from './store.js';

const KIND = 'chatbot-user-role-request';
/** "Sign in with Slack": the only scope a user-identity authorization needs. */
export const USER_SCOPE = 'identity.basic';

/** A role chosen in the console, waiting for Slack to say whose it is. */
interface UserRoleRequest {
  nonce: string;
  configurationArn: string;
  teamId: string;
  roleArn: string;
  /** The signed-in AWS identity that chose it (the identity's AwsUserIdentity). */
  awsUserArn: string;
  createdAt: Date;
}

export type MappingOutcome =
  | { ok: true; identity: SlackUserIdentity; configurationName: string }
  | { ok: false; status: number; title: string; message: string };

export class UserRoleMapping {
  constructor(private readonly deps: Pick<ChatbotDeps, 'config' | 'baseUrl'> & { store: ChatbotStore; states: OAuthStates; documents: DocumentStore; clock: Clock }) {}

  /** Stores the choice under a fresh OAuth state and answers where to send the browser (Slack's authorize page). */
  async begin(c: UserRoleChoice): Promise<{ authorizationUrl: string; expiresAt: Date }> {
    const cfg = await this.deps.store.getSlackChannelConfiguration(c.configurationArn);
    if (!cfg || cfg.AccountId !== c.principal.accountId) {
      throw new AwsError('ResourceNotFoundException', `No Slack channel configuration ${c.configurationArn} exists in account ${c.principal.accountId}.`);
    }
    if (parseRoleArn(c.roleArn)?.accountId !== c.principal.accountId) {
      throw new AwsError('InvalidParameterException', `A user role must be a role of account ${c.principal.accountId}, the configuration's account: ${c.roleArn} is not.`);
    }
    const { clientId } = this.deps.config.slack;
    if (!clientId) throw new AwsError('InvalidRequestException', `chattrail has no Slack app configured: ${SLACK_SETTINGS_HINT}.`);
    const redirectUri = redirectUriOf(this.deps);
    const { state, expiresAt } = await this.deps.states.issue({ accountId: c.principal.accountId, principal: c.principal, region: c.region, redirectUri });
    const nonce = state.split('.')[0];
    await this.deps.documents.put<UserRoleRequest>(this.keyOf(nonce), {
      nonce, configurationArn: cfg.ChatConfigurationArn, teamId: cfg.SlackTeamId, roleArn: c.roleArn, awsUserArn: c.principal.arn, createdAt: this.deps.clock.now(),
    });
    const url = new URL(this.deps.store.slack.authorizeUrl({ clientId, scopes: [], redirectUri, state }));
    // A user-token authorization only: it identifies the person, it installs nothing.
    url.searchParams.delete('scope');
    url.searchParams.set('user_scope', USER_SCOPE);
    url.searchParams.set('team', cfg.SlackTeamId);
    return { authorizationUrl: url.toString(), expiresAt };
  }

  /** Whether an OAuth state belongs to a user-role choice (else it is a workspace install). */
  async pending(state: string): Promise<boolean> {
    const nonce = state.split('.')[0];
    return !!nonce && !!(await this.deps.documents.get<UserRoleRequest>(this.keyOf(nonce)));
  }

  /** Slack's redirect: trades the code for the user's Slack id and stores the identity. */
  async finish(state: string, code: string): Promise<MappingOutcome> {
    let rec;
    try {
      rec = await this.deps.states.claim(state);
    } catch (e) {
      if (!(e instanceof OAuthStateError)) throw e;
      return { ok: false, status: 400, title: 'User role not saved', message: `This authorization link is ${e.problem === 'expired' ? 'expired' : 'not valid'}; choose the role again.` };
    }
    const key = this.keyOf(rec.nonce);
    const request = await this.deps.documents.get<UserRoleRequest>(key);
    await this.deps.states.consume(rec.nonce);
    await this.deps.documents.delete(key);
    if (!request) return { ok: false, status: 400, title: 'User role not saved', message: 'This authorization link is not valid; choose the role again.' };
    const cfg = await this.deps.store.getSlackChannelConfiguration(request.configurationArn);
    if (!cfg) return { ok: false, status: 404, title: 'User role not saved', message: `The channel configuration ${request.configurationArn} no longer exists.` };
    const { clientId, clientSecret } = this.deps.config.slack;
    let who: { teamId?: string; userId?: string };
    try {
      const r = await this.deps.store.slack.call('oauth.v2.access', undefined, { client_id: clientId, client_secret: clientSecret, code, redirect_uri: rec.redirectUri });
      who = { teamId: (r.team as { id?: string } | undefined)?.id, userId: (r.authed_user as { id?: string } | undefined)?.id };
    } catch (e) {
      return { ok: false, status: 502, title: 'User role not saved', message: `Slack did not confirm your identity: ${(e as Error).message}` };
    }
    if (!who.userId || who.teamId !== cfg.SlackTeamId) {
      return { ok: false, status: 400, title: 'User role not saved', message: `You signed in to another Slack workspace than ${cfg.SlackTeamName} (${cfg.SlackTeamId}), the one of ${cfg.ConfigurationName}.` };
    }
    const identity: SlackUserIdentity = {
      IamRoleArn: request.roleArn, ChatConfigurationArn: cfg.ChatConfigurationArn, SlackTeamId: cfg.SlackTeamId, SlackUserId: who.userId, AwsUserIdentity: request.awsUserArn,
    };
    await this.deps.store.putSlackUserIdentity(identity);
    return { ok: true, identity, configurationName: cfg.ConfigurationName };
  }

  private keyOf(nonce: string) {
    return { kind: KIND, accountId: '*', region: 'global', id: nonce };
  }
}
