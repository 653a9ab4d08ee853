// What Chatbot's handlers share: its store, the OAuth states, configuration and the server's URL.
import type { Config } from '../../common/config.js';
import type { OAuthStates } from '../../slack/oauth-state.js';
import type { ChatbotStore } from './store.js';
import type { TopicSubscriber } from './topic-subscriptions.js';
import type { RoleLookup } from '../../auth/pass-role.js';

export interface ChatbotDeps {
  store: ChatbotStore;
  states: OAuthStates;
  config: Config;
  /** This server's base URL, for the default OAuth redirect URI. */
  baseUrl(): string;
  /** Subscribes AWS Chatbot's SNS endpoint to the topics a configuration lists (as AWS Chatbot does). */
  subscribeTopics: TopicSubscriber;
  /** IAM roles as stored, so iam:PassRole is authorized on a role's own ARN. */
  roles: RoleLookup;
}

/** Most Chatbot resources may carry at most this many tags (AWS's limit). */
export const MAX_TAGS = 50;
/** chattrail's own ceiling on chat configurations of one kind per account. */
export const MAX_CONFIGURATIONS = 5000;
/** Guardrail AWS Chatbot applies when a configuration names none. */
export const DEFAULT_GUARDRAILS = ['arn:aws:iam::aws:policy/AdministratorAccess'];
