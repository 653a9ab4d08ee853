// The contract between chat (src/chat/) and the Chatbot service: what the chat receiver needs to
// know about Slack channels and workspaces, implemented over Chatbot's store (services/chatbot/
// channels.ts), and where Chatbot's SNS subscriptions deliver. Neither side imports the other.
import type { Principal } from '../common/principal.js';

export interface ChannelConfig {
  accountId: string;
  configurationArn: string;
  configurationName: string;
  teamId: string;
  channelId: string;
  iamRoleArn: string;
  guardrailPolicyArns: string[];
  userAuthorizationRequired: boolean;
  loggingLevel: 'ERROR' | 'INFO' | 'NONE';
}

export interface WorkspaceAuth {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId?: string;
  needsReauthorization: boolean;
}

export interface ChatDirectory {
  /** The channel's default configuration: its oldest, when several accounts configured the channel. */
  channelConfiguration(teamId: string, channelId: string): Promise<ChannelConfig | undefined>;
  /** Every account's configuration of the channel, oldest first. */
  channelConfigurations(teamId: string, channelId: string): Promise<ChannelConfig[]>;
  channelConfigurationByArn(arn: string): Promise<ChannelConfig | undefined>;
  workspace(teamId: string): Promise<WorkspaceAuth | undefined>;
  /** The role a Slack user linked for a configuration (Slack user identities), if any. */
  userRoleArn(configurationArn: string, slackUserId: string): Promise<string | undefined>;
  /** Slack refused the workspace's bot token: Chatbot shows the workspace as needing authorization again. */
  markNeedsReauthorization(teamId: string, slackError: string, failedToken: string): Promise<void>;
  /** Where AWS Chatbot posts a topic's notifications: enabled configurations of the topic's account that list it. */
  notificationTargets(topicArn: string): Promise<NotificationTargets>;
  /**
   * The custom actions associated with a configuration (AssociateToConfiguration), read as AWS
   * Chatbot reads its own resources: no API call, no record.
   */
  customActions(configurationArn: string): Promise<ChannelCustomAction[]>;
  /**
   * A channel member chose their user role in the console: answers Slack's authorization page,
   * which confirms who they are in Slack before the role is mapped (throws AwsError).
   */
  beginUserRoleMapping(choice: UserRoleChoice): Promise<{ authorizationUrl: string; expiresAt: Date }>;
}

/** A user role chosen by a signed-in AWS identity, for a channel configuration of its account. */
export interface UserRoleChoice {
  principal: Principal;
  region: string;
  configurationArn: string;
  roleArn: string;
}

/** A custom action as a channel uses it: `@aws run <aliasName>`, and buttons on matching notifications. */
export interface ChannelCustomAction {
  arn: string;
  actionName: string;
  aliasName?: string;
  commandText: string;
  attachments: CustomActionButton[];
}

/** When a custom action's button is attached to a notification (CustomActionAttachment). */
export interface CustomActionButton {
  notificationType?: string;
  buttonText?: string;
  criteria: { operator: 'HAS_VALUE' | 'EQUALS'; variableName: string; value?: string }[];
  /** Variable name → where in the notification its value is (a path into the notification's JSON). */
  variables: Record<string, string>;
}

export interface NotificationTargets {
  slack: ChannelConfig[];
  /** Chime webhook URLs carry their token: never log them. */
  chimeWebhookUrls: { configurationArn: string; url: string }[];
}

/** Sends messages to Slack on behalf of a workspace's bot. */
export interface SlackPoster {
  /** `reply_broadcast`: a thread reply also shown in the channel (Slack's "also send to channel"). */
  post(token: string, msg: { channel: string; text: string; blocks?: unknown[]; thread_ts?: string; reply_broadcast?: boolean }): Promise<{ ts: string }>;
  update(token: string, msg: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void>;
  upload(token: string, file: { channel: string; thread_ts?: string; filename: string; content: string; title?: string }): Promise<void>;
}

/** The endpoint AWS Chatbot subscribes to topics, as `aws sns list-subscriptions-by-topic` shows it. */
export const CHATBOT_SNS_ENDPOINT = 'https://global.sns-api.chatbot.amazonaws.com';
