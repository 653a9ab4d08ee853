// AWS Chatbot subscribes its endpoint to every SNS topic a chat configuration lists, so that the
// topic's messages reach the channel. The Subscribe call is made the way Chatbot makes it: as the
// service principal chatbot.amazonaws.com, through the request pipeline, so it is authorized by
// the topic's policy and recorded in the topic's region like any other SNS call.
import type { ModuleDeps } from '../../server/module.js';
import type { ServicePrincipal } from '../../auth/principal.js';
import { CHATBOT_SNS_ENDPOINT } from '../../chat/notifier.js';

const CHATBOT_SERVICE = 'chatbot.amazonaws.com';

export type TopicSubscriber = (accountId: string, topicArns: string[]) => Promise<void>;

export function chatbotTopicSubscriber(deps: Pick<ModuleDeps, 'pipeline' | 'registry' | 'ids' | 'logger'>): TopicSubscriber {
  return async (accountId, topicArns) => {
    const sns = deps.registry.byName('sns');
    if (!sns) return;
    const chatbot: ServicePrincipal = { type: 'AWSService', service: CHATBOT_SERVICE, accountId, arn: CHATBOT_SERVICE, accessKeyId: '' };
    for (const topicArn of new Set(topicArns)) {
      const region = topicArn.split(':')[3] ?? '';
      // Subscribing is idempotent in SNS: an existing subscription of the endpoint is returned as is.
      const result = await deps.pipeline().execute({
        service: sns, opName: 'Subscribe', principal: chatbot, region,
        input: { TopicArn: topicArn, Protocol: 'https', Endpoint: CHATBOT_SNS_ENDPOINT, ReturnSubscriptionArn: true },
        sourceIp: CHATBOT_SERVICE, userAgent: CHATBOT_SERVICE, requestId: deps.ids.uuid(), via: { chatbot: true },
      });
      // Like AWS Chatbot, a topic that cannot be subscribed (missing, or its policy refuses) does
      // not fail the configuration; it only never delivers. Say so where operators look.
      if (!result.ok) deps.logger.warn('AWS Chatbot could not subscribe to an SNS topic', { topicArn, error: result.error.code, message: result.error.message });
    }
  };
}
