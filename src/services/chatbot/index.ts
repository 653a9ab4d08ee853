// AWS Chatbot as a ServiceDefinition: the botocore model plus our console extension
// (models/chatbot/console-extension.json), all handlers, recording rules, and the resource each
// operation acts on for IAM authorization.
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, ServiceModel, type Operation, type Shape } from '../../protocol/model.js';
import { modelsDir } from '../../common/paths.js';
import { UNSCOPED, type ResolvedResource, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import type { ChatbotDeps } from './deps.js';
import { chatbotRecording } from './recording.js';
import { slackHandlers } from './handlers-slack.js';
import { consoleHandlers } from './handlers-console.js';
import { teamsHandlers } from './handlers-teams.js';
import { chimeHandlers } from './handlers-chime.js';
import { actionHandlers } from './handlers-actions.js';
import { configurationArn, customActionArn, parseChatbotArn } from './arns.js';

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

/** Members naming the resource an operation acts on, in the order it acts on them (the configuration first). */
const ARN_MEMBERS = ['ChatConfigurationArn', 'CustomActionArn', 'ResourceARN', 'ChatConfiguration'];

/**
 * The ARN an operation acts on: the configuration or custom action named in the input (its owner
 * is the account in the ARN: Chatbot's ARNs are exact, so a stored one is the ARN that names it),
 * or the one a create will make; `*` for account-wide operations. The model admits only ARNs of
 * the aws partition; anything else is refused before this runs.
 */
export const chatbotResolver: ResourceResolver = async (op, input, ctx) => {
  const s = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const own = (arn: string): ResolvedResource[] => [{ arn, accountId: ctx.accountId }];
  const name = s('ConfigurationName');
  switch (op) {
    case 'CreateSlackChannelConfiguration': if (name) return own(configurationArn(ctx.accountId, 'slack-channel', name)); break;
    case 'CreateMicrosoftTeamsChannelConfiguration': if (name) return own(configurationArn(ctx.accountId, 'microsoft-teams-channel', name)); break;
    case 'CreateChimeWebhookConfiguration': if (name) return own(configurationArn(ctx.accountId, 'chime-webhook', name)); break;
    case 'CreateCustomAction': if (s('ActionName')) return own(customActionArn(ctx.accountId, s('ActionName')!)); break;
    default: {
      const arn = ARN_MEMBERS.map(s).find((v) => v !== undefined);
      if (arn !== undefined) return [{ arn, accountId: parseChatbotArn(arn)?.accountId ?? (arn.split(':')[4] || ctx.accountId) }];
    }
  }
  return UNSCOPED;
};

export function chatbotService(deps: ChatbotDeps): ServiceDefinition {
  return {
    model: chatbotModel(),
    handlers: {
      ...slackHandlers(deps), ...consoleHandlers(deps), ...teamsHandlers(deps), ...chimeHandlers(deps), ...actionHandlers(deps),
    },
    recording: chatbotRecording,
    resolveResources: chatbotResolver,
    // The model declares no ValidationException; Chatbot reports bad input as InvalidParameterException.
    validationErrorCode: 'InvalidParameterException',
  };
}
