// How CloudTrail logs AWS Chatbot: eventSource chatbot.amazonaws.com, in the region the request was
// signed for (Chatbot is global and logs where it processed the call, unlike IAM's us-east-1), with
// requestParameters keeping the wire names (SlackTeamId, MaxResults) as the seed's records show.
// Reads (Describe*/List*/Get*) are readOnly with responseElements null: the recorder's defaults.
// Sensitive members (channel names, webhook URLs, OAuth codes) are hidden by the model's marks.
import type { RecordingRules } from '../../records/rules.js';

export const chatbotRecording: RecordingRules = {
  eventSource: 'chatbot.amazonaws.com',
  wireNames: true,
};
