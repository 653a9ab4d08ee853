// The Chatbot feature module: the AWS Chatbot API (public model + console extension) and the Slack
// OAuth redirect endpoint. Other modules reach Chatbot's data through `chatbotStoreFor(deps)`,
// which hands every module of one server the same ChatbotStore. Configurations listing SNS topics
// subscribe AWS Chatbot's endpoint to them through the pipeline (topic-subscriptions.ts).
import type { Module, ModuleDeps } from '../../server/module.js';
import type { ServiceDefinition } from '../types.js';
import { SlackApi } from '../../chat/slack/client.js';
import { OAuthStates } from '../../chat/slack/oauth-state.js';
import { ChatbotStore } from './store.js';
import { chatbotService } from './index.js';
import { oauthRoute } from './oauth-route.js';
import { chatbotTopicSubscriber } from './topic-subscriptions.js';

const stores = new WeakMap<object, ChatbotStore>();

/** The server's ChatbotStore (created on first use, shared by every module of that server). */
export function chatbotStoreFor(deps: Pick<ModuleDeps, 'config' | 'stores' | 'box' | 'logger'>): ChatbotStore {
  let store = stores.get(deps.stores.documents);
  if (!store) {
    store = new ChatbotStore(deps.stores.documents, deps.box, new SlackApi({ apiUrl: deps.config.slack.apiUrl, logger: deps.logger }));
    stores.set(deps.stores.documents, store);
  }
  return store;
}

export function chatbotModule(deps: ModuleDeps): Module {
  const store = chatbotStoreFor(deps);
  const states = new OAuthStates(deps.stores.documents, deps.box, deps.clock, deps.ids);
  const service: ServiceDefinition = chatbotService({
    store, states, config: deps.config, baseUrl: deps.baseUrl, subscribeTopics: chatbotTopicSubscriber(deps),
    roles: (accountId, roleName) => deps.identity.getRole(accountId, roleName),
  });
  return {
    name: 'chatbot',
    services: [service],
    routes: [oauthRoute({ service: () => service, pipeline: deps.pipeline, states, ids: deps.ids })],
  };
}
