// Chatbot's ARNs (chat configurations and custom actions, global: no region) and the checks on
// ARNs callers hand in (IAM roles, SNS topics), answered with the model's InvalidParameterException.
import { AwsError } from '../../protocol/errors.js';

export type ConfigurationType = 'slack-channel' | 'microsoft-teams-channel' | 'chime-webhook';

export function configurationArn(accountId: string, type: ConfigurationType, name: string): string {
  return `arn:aws:chatbot::${accountId}:chat-configuration/${type}/${name}`;
}

export function customActionArn(accountId: string, name: string): string {
  return `arn:aws:chatbot::${accountId}:custom-action/${name}`;
}

export type ChatbotResource =
  | { kind: 'configuration'; type: ConfigurationType; accountId: string; name: string }
  | { kind: 'custom-action'; accountId: string; name: string };

const CONFIG_ARN = /^arn:aws:chatbot::(\d{12}):chat-configuration\/(slack-channel|microsoft-teams-channel|chime-webhook)\/([A-Za-z0-9_-]{1,128})$/;
const ACTION_ARN = /^arn:aws:chatbot::(\d{12}):custom-action\/([A-Za-z0-9_-]{1,64})$/;

export function parseChatbotArn(arn: string): ChatbotResource | undefined {
  let m = CONFIG_ARN.exec(arn);
  if (m) return { kind: 'configuration', type: m[2] as ConfigurationType, accountId: m[1], name: m[3] };
  m = ACTION_ARN.exec(arn);
  if (m) return { kind: 'custom-action', accountId: m[1], name: m[2] };
  return undefined;
}

/** A chat configuration ARN of one type in the caller's account, or undefined (→ not found). */
export function configurationName(arn: string, type: ConfigurationType, accountId: string): string | undefined {
  const r = parseChatbotArn(arn);
  return r?.kind === 'configuration' && r.type === type && r.accountId === accountId ? r.name : undefined;
}

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
const TOPIC_ARN = /^arn:aws:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[\w-]{1,256}(\.fifo)?$/;
const POLICY_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,128}$/;

export function checkRoleArn(arn: string, member = 'IamRoleArn'): void {
  if (!ROLE_ARN.test(arn)) {
    throw new AwsError('InvalidParameterException', `${member} ${arn} is not a valid IAM role ARN (arn:aws:iam::<account-id>:role/<name>).`);
  }
}

export function checkTopicArns(arns: readonly string[] | undefined): void {
  for (const a of arns ?? []) {
    if (!TOPIC_ARN.test(a)) throw new AwsError('InvalidParameterException', `SnsTopicArns contains ${a}, which is not a valid SNS topic ARN.`);
  }
}

export function checkGuardrailArns(arns: readonly string[] | undefined): void {
  for (const a of arns ?? []) {
    if (!POLICY_ARN.test(a)) throw new AwsError('InvalidParameterException', `GuardrailPolicyArns contains ${a}, which is not a valid IAM policy ARN.`);
  }
}
