// The shapes Chatbot keeps in the document store. Resources are stored in the model's own output
// shapes (PascalCase), plus a few internal fields the serializer never writes because the model
// does not declare them; Slack installations hold the sealed bot token and are never serialized.
import type { SealedBotToken } from '../../slack/token-vault.js';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

interface Internal {
  AccountId: string;
  CreatedAt: Date;
}

export type ResourceState = 'ENABLED' | 'DISABLED';

export interface SlackChannelConfiguration extends Internal {
  SlackTeamName: string;
  SlackTeamId: string;
  SlackChannelId: string;
  SlackChannelName: string;
  ChatConfigurationArn: string;
  IamRoleArn: string;
  SnsTopicArns: string[];
  ConfigurationName: string;
  LoggingLevel: string;
  GuardrailPolicyArns: string[];
  UserAuthorizationRequired: boolean;
  Tags: Tag[];
  State: ResourceState;
  StateReason?: string;
}

export interface SlackUserIdentity {
  IamRoleArn: string;
  ChatConfigurationArn: string;
  SlackTeamId: string;
  SlackUserId: string;
  AwsUserIdentity?: string;
}

/** One account's authorization of a Slack workspace (DescribeSlackWorkspaces lists these). */
export interface SlackWorkspaceAuthorization {
  SlackTeamId: string;
  SlackTeamName: string;
  AuthorizedAt: Date;
  AuthorizedBy: string;
}

/** chattrail's install in a Slack workspace: one per workspace, shared by every account that authorized it. */
export interface SlackInstallation {
  teamId: string;
  teamName: string;
  botToken: SealedBotToken;
  botUserId: string;
  appId?: string;
  scopes: string[];
  installedAt: Date;
  installedByAccountId: string;
  needsReauthorization: boolean;
  reauthorizationReason?: string;
}

export interface TeamsChannelConfiguration extends Internal {
  ChannelId: string;
  ChannelName?: string;
  TeamId: string;
  TeamName?: string;
  TenantId: string;
  ChatConfigurationArn: string;
  IamRoleArn: string;
  SnsTopicArns: string[];
  ConfigurationName: string;
  LoggingLevel: string;
  GuardrailPolicyArns: string[];
  UserAuthorizationRequired: boolean;
  Tags: Tag[];
  State: ResourceState;
  StateReason?: string;
}

export interface ConfiguredTeam {
  TenantId: string;
  TeamId: string;
  TeamName?: string;
  State: ResourceState;
  StateReason?: string;
}

export interface TeamsUserIdentity {
  IamRoleArn: string;
  ChatConfigurationArn: string;
  TeamId: string;
  UserId?: string;
  AwsUserIdentity?: string;
  TeamsChannelId?: string;
  TeamsTenantId?: string;
}

export interface ChimeWebhookConfiguration extends Internal {
  WebhookDescription: string;
  ChatConfigurationArn: string;
  IamRoleArn: string;
  SnsTopicArns: string[];
  ConfigurationName: string;
  LoggingLevel: string;
  Tags: Tag[];
  State: ResourceState;
  StateReason?: string;
  /** Sealed: the URL carries the webhook's token. */
  SealedWebhookUrl: string;
}

export interface CustomActionAttachment {
  NotificationType?: string;
  ButtonText?: string;
  Criteria?: { Operator: string; VariableName: string; Value?: string }[];
  Variables?: Record<string, string>;
}

export interface CustomAction extends Internal {
  CustomActionArn: string;
  Definition: { CommandText: string };
  AliasName?: string;
  Attachments?: CustomActionAttachment[];
  ActionName: string;
  Tags: Tag[];
  ClientToken?: string;
}

export interface Association {
  ChatConfiguration: string;
  Resource: string;
}

export interface AccountPreferences {
  UserAuthorizationRequired: boolean;
  TrainingDataCollectionEnabled: boolean;
}
