// AWS Chatbot subscribes its endpoint to every SNS topic a chat configuration lists, so that the
// topic's messages reach the channel. The Subscribe call is made the way Chatbot makes it: as the
// service principal chatbot.amazonaws.com, through the internal client, so it is authorized by
// the topic's policy and recorded in the topic's region like any other SNS call.
import type { ModuleDeps } from '../../core/module.js';
import { servicePrincipal, servicePrincipals } from '../../common/service-principals.js';
import { CHATBOT_SNS_ENDPOINT } from '../../core/chat-directory.js';

export type TopicSubscriber = (accountId: string, topicArns: string[]) => Promise<void>;

export function chatbotTopicSubscriber(deps: Pick<ModuleDeps, 'client' | 'logger'>): TopicSubscriber {
  return async (accountId, topicArns) => {
    if (!deps.client.serves('sns')) return;
    const chatbot = servicePrincipal(servicePrincipals.chatbot, accountId);
    for (const topicArn of new Set(topicArns)) {
      const region = topicArn.split(':')[3] ?? '';
      // Subscribing is idempotent in SNS: an existing subscription of the endpoint is returned as is.
      const result = await deps.client.callAs(chatbot, 'sns', 'Subscribe',
        { TopicArn: topicArn, Protocol: 'https', Endpoint: CHATBOT_SNS_ENDPOINT, ReturnSubscriptionArn: true },
        { region, via: { invokedBy: servicePrincipals.chatbot } });
      // Like AWS Chatbot, a topic that cannot be subscribed (missing, or its policy refuses) does
      // not fail the configuration; it only never delivers. Say so where operators look.
      if (!result.ok) deps.logger.warn('AWS Chatbot could not subscribe to an SNS topic', { topicArn, error: result.error.code, message: result.error.message });
    }
  };
}
