// Chatbot's persistence (per account, region `global`) and the typed read API other modules use:
// the chat engineer finds a channel's configuration, a workspace's bot token and a Slack client
// through `ChatbotStore`, never through the document store's raw kinds.
import type { DocumentStore } from '../../storage/documents.js';
import type { SecretBox } from '../../storage/secrets.js';
import { BotTokenVault } from '../../slack/token-vault.js';
import { SlackCallError, type SlackApi } from '../../slack/client.js';
import type { WebAPICallResult } from '@slack/web-api';
import type {
  AccountPreferences, Association, ChimeWebhookConfiguration, ConfiguredTeam, CustomAction, SlackChannelConfiguration,
  SlackInstallation, SlackUserIdentity, SlackWorkspaceAuthorization, TeamsChannelConfiguration, TeamsUserIdentity,
} from './records.js';
import { parseChatbotArn } from './arns.js';
import { CROSS_ACCOUNT_PASS_ROLE, parseRoleArn } from '../../auth/pass-role.js';

export const GLOBAL = 'global';
const ANY_ACCOUNT = '*';

/** One kind of document in one account: the small CRUD every Chatbot resource needs. */
export class Collection<T> {
  constructor(private readonly docs: DocumentStore, readonly kind: string) {}
  private key(accountId: string, id: string) { return { kind: this.kind, accountId, region: GLOBAL, id }; }
  get(accountId: string, id: string) { return this.docs.get<T>(this.key(accountId, id)); }
  create(accountId: string, id: string, doc: T) { return this.docs.create<T>(this.key(accountId, id), doc); }
  put(accountId: string, id: string, doc: T) { return this.docs.put<T>(this.key(accountId, id), doc); }
  update(accountId: string, id: string, fn: (cur: T | undefined) => T | undefined) { return this.docs.update<T>(this.key(accountId, id), fn); }
  delete(accountId: string, id: string) { return this.docs.delete(this.key(accountId, id)); }
  list(accountId: string, prefix?: string) { return this.docs.list<T>(this.kind, accountId, GLOBAL, { prefix }); }
  listAll() { return this.docs.listAll<T>(this.kind); }
}

/** What the chat side needs to know about an installed workspace. The token is usable: never log it. */
export interface SlackWorkspaceInfo {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  /** The account that installed (or last reinstalled) chattrail in the workspace. */
  accountId: string;
  /** Every account that has authorized the workspace. */
  accountIds: string[];
  needsReauthorization: boolean;
  reauthorizationReason?: string;
}

/** A Slack Web API client bound to one workspace's bot token; auth failures mark the workspace. */
export interface WorkspaceSlackClient {
  teamId: string;
  botUserId: string;
  /** Any Web API method; throws SlackCallError. A token_revoked/invalid_auth answer marks the workspace for re-authorization. */
  call(method: string, args?: Record<string, unknown>): Promise<WebAPICallResult & Record<string, unknown>>;
}

export class ChatbotStore {
  readonly installations: Collection<SlackInstallation>;
  readonly workspaces: Collection<SlackWorkspaceAuthorization>;
  readonly slackConfigs: Collection<SlackChannelConfiguration>;
  readonly slackUsers: Collection<SlackUserIdentity>;
  readonly teamsConfigs: Collection<TeamsChannelConfiguration>;
  readonly teams: Collection<ConfiguredTeam>;
  readonly teamsUsers: Collection<TeamsUserIdentity>;
  readonly chimeConfigs: Collection<ChimeWebhookConfiguration>;
  readonly customActions: Collection<CustomAction>;
  readonly associations: Collection<Association>;
  readonly preferences: Collection<AccountPreferences>;
  readonly vault: BotTokenVault;

  constructor(docs: DocumentStore, readonly box: SecretBox, readonly slack: SlackApi) {
    this.installations = new Collection(docs, 'chatbot-slack-installation');
    this.workspaces = new Collection(docs, 'chatbot-slack-workspace');
    this.slackConfigs = new Collection(docs, 'chatbot-slack-channel-config');
    this.slackUsers = new Collection(docs, 'chatbot-slack-user-identity');
    this.teamsConfigs = new Collection(docs, 'chatbot-teams-channel-config');
    this.teams = new Collection(docs, 'chatbot-teams-configured-team');
    this.teamsUsers = new Collection(docs, 'chatbot-teams-user-identity');
    this.chimeConfigs = new Collection(docs, 'chatbot-chime-webhook-config');
    this.customActions = new Collection(docs, 'chatbot-custom-action');
    this.associations = new Collection(docs, 'chatbot-association');
    this.preferences = new Collection(docs, 'chatbot-account-preferences');
    this.vault = new BotTokenVault(box);
  }

  // ---- the read API for other modules ----

  /** Every account's configuration of a Slack channel (a channel may be configured by several accounts). */
  async findSlackChannelConfigurations(teamId: string, channelId: string): Promise<SlackChannelConfiguration[]> {
    const all = await this.slackConfigs.listAll();
    return all.map((r) => r.doc).filter((c) => c.SlackTeamId === teamId && c.SlackChannelId === channelId)
      .sort((a, b) => a.CreatedAt.getTime() - b.CreatedAt.getTime());
  }

  /** The channel's configuration in `accountId`, or (without one) the oldest across accounts. */
  async findSlackChannelConfiguration(teamId: string, channelId: string, accountId?: string): Promise<SlackChannelConfiguration | undefined> {
    const found = await this.findSlackChannelConfigurations(teamId, channelId);
    return accountId ? found.find((c) => c.AccountId === accountId) : found[0];
  }

  async getSlackChannelConfiguration(arn: string): Promise<SlackChannelConfiguration | undefined> {
    const r = parseChatbotArn(arn);
    if (r?.kind !== 'configuration' || r.type !== 'slack-channel') return undefined;
    return this.slackConfigs.get(r.accountId, r.name);
  }

  async getWorkspace(teamId: string): Promise<SlackWorkspaceInfo | undefined> {
    const inst = await this.installations.get(ANY_ACCOUNT, teamId);
    if (!inst) return undefined;
    const auths = (await this.workspaces.listAll()).filter((r) => r.key.id === teamId).map((r) => r.key.accountId);
    return {
      teamId, teamName: inst.teamName, botToken: this.vault.open(inst.botToken), botUserId: inst.botUserId,
      accountId: inst.installedByAccountId, accountIds: auths,
      needsReauthorization: inst.needsReauthorization, reauthorizationReason: inst.reauthorizationReason,
    };
  }

  async getSlackUserIdentity(configArn: string, slackUserId: string): Promise<SlackUserIdentity | undefined> {
    const r = parseChatbotArn(configArn);
    if (r?.kind !== 'configuration' || r.type !== 'slack-channel') return undefined;
    return this.slackUsers.get(r.accountId, slackUserIdentityId(r.name, slackUserId));
  }

  /** Records that a Slack user linked an IAM identity for a channel configuration (done from chat). */
  async putSlackUserIdentity(identity: SlackUserIdentity): Promise<void> {
    const r = parseChatbotArn(identity.ChatConfigurationArn);
    if (r?.kind !== 'configuration' || r.type !== 'slack-channel') throw new Error(`not a Slack channel configuration ARN: ${identity.ChatConfigurationArn}`);
    requireOwnRole(identity.IamRoleArn, r.accountId);
    await this.slackUsers.put(r.accountId, slackUserIdentityId(r.name, identity.SlackUserId), identity);
  }

  /** Records a Microsoft Teams user's IAM identity for a channel configuration (no API creates these). */
  async putTeamsUserIdentity(identity: TeamsUserIdentity & { UserId: string }): Promise<void> {
    const r = parseChatbotArn(identity.ChatConfigurationArn);
    if (r?.kind !== 'configuration' || r.type !== 'microsoft-teams-channel') throw new Error(`not a Microsoft Teams channel configuration ARN: ${identity.ChatConfigurationArn}`);
    requireOwnRole(identity.IamRoleArn, r.accountId);
    await this.teamsUsers.put(r.accountId, `${r.name}/${identity.UserId}`, identity);
  }

  /** A Web API client for one workspace, or undefined when chattrail is not installed there. */
  async slackClient(teamId: string): Promise<WorkspaceSlackClient | undefined> {
    const inst = await this.installation(teamId);
    if (!inst) return undefined;
    return {
      teamId, botUserId: inst.botUserId,
      call: (method, args = {}) => this.withWorkspaceToken(teamId, (token) => this.slack.call(method, token, args)),
    };
  }

  /**
   * Runs `fn` with the workspace's bot token; a token Slack no longer accepts marks the workspace
   * as needing re-authorization before the error goes on. Throws when the workspace is unknown.
   */
  async withWorkspaceToken<T>(teamId: string, fn: (token: string) => Promise<T>): Promise<T> {
    const inst = await this.installation(teamId);
    if (!inst) throw new Error(`chattrail is not installed in Slack workspace ${teamId}`);
    try {
      return await fn(this.vault.open(inst.botToken));
    } catch (e) {
      if (e instanceof SlackCallError && e.kind === 'auth') await this.markNeedsReauthorization(teamId, e.slackError);
      throw e;
    }
  }

  // ---- writes shared by the API and the OAuth redirect ----

  /** `failedToken`: only that token is condemned; a workspace authorized again since keeps working. */
  async markNeedsReauthorization(teamId: string, slackError: string, failedToken?: string): Promise<void> {
    await this.installations.update(ANY_ACCOUNT, teamId, (cur) => cur && (failedToken !== undefined && this.vault.open(cur.botToken) !== failedToken ? cur : {
      ...cur, needsReauthorization: true,
      reauthorizationReason: `Slack rejected chattrail's bot token (${slackError}). Authorize the workspace again (GetSlackOAuthParameters).`,
    }));
  }

  /** Stores a fresh install (sealing its token) and the account's authorization of the workspace. */
  async saveInstallation(accountId: string, authorizedBy: string, install: Omit<SlackInstallation, 'botToken' | 'needsReauthorization' | 'installedByAccountId'> & { botToken: string }): Promise<void> {
    const { botToken, ...rest } = install;
    await this.installations.put(ANY_ACCOUNT, install.teamId, {
      ...rest, botToken: this.vault.seal(botToken), installedByAccountId: accountId, needsReauthorization: false,
    });
    await this.workspaces.put(accountId, install.teamId, {
      SlackTeamId: install.teamId, SlackTeamName: install.teamName, AuthorizedAt: install.installedAt, AuthorizedBy: authorizedBy,
    });
  }

  installation(teamId: string): Promise<SlackInstallation | undefined> {
    return this.installations.get(ANY_ACCOUNT, teamId);
  }

  /** Drops the install (and its token) once no account authorizes the workspace any more. */
  async dropInstallationIfUnused(teamId: string): Promise<void> {
    const still = (await this.workspaces.listAll()).some((r) => r.key.id === teamId);
    if (!still) await this.installations.delete(ANY_ACCOUNT, teamId);
  }

  async accountPreferences(accountId: string): Promise<AccountPreferences> {
    return (await this.preferences.get(accountId, 'preferences')) ?? { UserAuthorizationRequired: false, TrainingDataCollectionEnabled: false };
  }
}

/**
 * A user identity's role is passed to AWS Chatbot like a configuration's, but no API call creates
 * identities, so there is no caller whose iam:PassRole to check: only the configuration's own
 * account's roles are accepted (the chat executor refuses any other at AssumeRole as well).
 */
function requireOwnRole(roleArn: string, accountId: string): void {
  if (parseRoleArn(roleArn)?.accountId !== accountId) throw new Error(`a user identity of account ${accountId} cannot name role ${roleArn}: ${CROSS_ACCOUNT_PASS_ROLE}`);
}

export function slackUserIdentityId(configName: string, slackUserId: string): string {
  return `${configName}/${slackUserId}`;
}
