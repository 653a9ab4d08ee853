// How CloudTrail logs SNS: Publish is a data event whose message, subject and attributes are
// hidden; confirmation tokens are hidden too. Everything else follows the model.
import type { RecordingRules } from '../../records/rules.js';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export const snsRecording: RecordingRules = {
  eventSource: 'sns.amazonaws.com',
  dataEvents: ['Publish', 'PublishBatch'],
  requestParameters: {
    Publish: (i) => {
      const out: Record<string, unknown> = {};
      if (i.TopicArn !== undefined) out.topicArn = i.TopicArn;
      if (i.TargetArn !== undefined) out.targetArn = i.TargetArn;
      out.message = HIDDEN;
      if (i.Subject !== undefined) out.subject = HIDDEN;
      if (i.MessageStructure !== undefined) out.messageStructure = i.MessageStructure;
      if (i.MessageAttributes !== undefined) out.messageAttributes = HIDDEN;
      if (i.MessageGroupId !== undefined) out.messageGroupId = i.MessageGroupId;
      if (i.MessageDeduplicationId !== undefined) out.messageDeduplicationId = i.MessageDeduplicationId;
      return out;
    },
    ConfirmSubscription: (i) => ({
      topicArn: i.TopicArn, token: HIDDEN,
      ...(i.AuthenticateOnUnsubscribe !== undefined ? { authenticateOnUnsubscribe: i.AuthenticateOnUnsubscribe } : {}),
    }),
  },
};
