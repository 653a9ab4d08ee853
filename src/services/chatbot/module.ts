// The Chatbot feature module: the AWS Chatbot API (public model + console extension), the Slack
// OAuth redirect endpoint, and the `chatChannels` capability the chat side reads channels through.
// Configurations listing SNS topics subscribe AWS Chatbot's endpoint to them through the internal
// client (topic-subscriptions.ts).
import type { Module, ModuleDeps } from '../../core/module.js';
import type { ServiceDefinition } from '../../core/service.js';
import { SlackApi } from '../../slack/client.js';
import { OAuthStates } from '../../slack/oauth-state.js';
import { ChatbotStore } from './store.js';
import { chatbotService } from './index.js';
import { oauthRoute } from './oauth-route.js';
import { chatbotTopicSubscriber } from './topic-subscriptions.js';
import { chatbotChannels } from './channels.js';
import { UserRoleMapping } from './user-roles.js';

/** Chatbot's store over a server's documents (it keeps nothing in memory: any number may share them). */
export function openChatbotStore(deps: Pick<ModuleDeps, 'config' | 'stores' | 'box' | 'logger'>): ChatbotStore {
  return new ChatbotStore(deps.stores.documents, deps.box, new SlackApi({ apiUrl: deps.config.slack.apiUrl, logger: deps.logger }));
}

export function chatbotModule(deps: ModuleDeps): Module {
  const store = openChatbotStore(deps);
  const states = new OAuthStates(deps.stores.documents, deps.box, deps.clock, deps.ids);
  const service: ServiceDefinition = chatbotService({
    store, states, config: deps.config, baseUrl: deps.baseUrl, subscribeTopics: chatbotTopicSubscriber(deps),
    roles: (accountId, roleName) => deps.identity.getRole(accountId, roleName),
  });
  const userRoles = new UserRoleMapping({ store, states, config: deps.config, baseUrl: deps.baseUrl, documents: deps.stores.documents, clock: deps.clock });
  return {
    name: 'chatbot',
    services: [service],
    routes: [oauthRoute({ model: service.model, client: deps.client, states, userRoles })],
    chatChannels: chatbotChannels(store, deps.stores.documents.changes, userRoles),
  };
}
