// AWS Chatbot as a ServiceDefinition: the botocore model plus our console extension
// (models/chatbot/console-extension.json), all handlers, recording rules, and the resource each
// operation acts on for IAM authorization.
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, ServiceModel, type Operation, type Shape } from '../../protocol/model.js';
import { modelsDir } from '../../paths.js';
import type { CallContext, ServiceDefinition } from '../types.js';
import type { ChatbotDeps } from './deps.js';
import { chatbotRecording } from './recording.js';
import { slackHandlers } from './handlers-slack.js';
import { consoleHandlers } from './handlers-console.js';
import { teamsHandlers } from './handlers-teams.js';
import { chimeHandlers } from './handlers-chime.js';
import { actionHandlers } from './handlers-actions.js';
import { configurationArn, customActionArn } from './arns.js';

let extended: ServiceModel | undefined;

/** The public Chatbot model with the console operations chattrail defines itself. */
export function chatbotModel(): ServiceModel {
  if (!extended) {
    const ext = JSON.parse(fs.readFileSync(path.join(modelsDir, 'chatbot', 'console-extension.json'), 'utf8')) as {
      operations: Record<string, Operation>; shapes: Record<string, Shape>;
    };
    extended = ServiceModel.withExtension(loadModel('chatbot'), ext);
  }
  return extended;
}

/** The ARN an operation acts on: named in the input, or the one a create will make; `*` otherwise. */
function resourceOf(op: string, input: Record<string, unknown>, ctx: CallContext): string {
  const s = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const name = s('ConfigurationName');
  switch (op) {
    case 'CreateSlackChannelConfiguration': return name ? configurationArn(ctx.accountId, 'slack-channel', name) : '*';
    case 'CreateMicrosoftTeamsChannelConfiguration': return name ? configurationArn(ctx.accountId, 'microsoft-teams-channel', name) : '*';
    case 'CreateChimeWebhookConfiguration': return name ? configurationArn(ctx.accountId, 'chime-webhook', name) : '*';
    case 'CreateCustomAction': return s('ActionName') ? customActionArn(ctx.accountId, s('ActionName')!) : '*';
    default:
      return s('ChatConfigurationArn') ?? s('CustomActionArn') ?? s('ResourceARN') ?? s('ChatConfiguration') ?? '*';
  }
}

export function chatbotService(deps: ChatbotDeps): ServiceDefinition {
  return {
    model: chatbotModel(),
    handlers: {
      ...slackHandlers(deps), ...consoleHandlers(deps), ...teamsHandlers(deps), ...chimeHandlers(deps), ...actionHandlers(deps),
    },
    recording: chatbotRecording,
    resourceOf,
    // The model declares no ValidationException; Chatbot reports bad input as InvalidParameterException.
    validationErrorCode: 'InvalidParameterException',
  };
}
