// The protection policy: commands AWS Chatbot (Amazon Q Developer in chat applications) refuses in a
// channel whatever the channel's role allows, kept as data. The refusal happens before any API call
// (no AssumeRole, no call), so, as in AWS, no CloudTrail record exists for it; chattrail logs it.
import { cliName } from './cli-names.js';

/**
 * The actions AWS documents as not supported in chat channels (the deny list quoted from the AWS
 * Chatbot admin guide, "Running AWS CLI commands from chat channels", as reproduced at
 * https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a; the tail of that list after
 * `s3:HeadObject` could not be read and is not included).
 * Command syntax and the `@Amazon Q` / `-option` rules: https://docs.aws.amazon.com/chatbot/latest/adminguide/intro-to-the-aws-cli-in-slack.html
 */
export const PROTECTED_ACTIONS: readonly string[] = [
  'appsync:ListApiKeys', 'chatbot:*', 'codecommit:GetFile', 'codecommit:GetCommit', 'codecommit:GetDifferences',
  'cognito-idp:*', 'cognito-identity:*', 'connect:GetFederationToken', 'dynamodb:BatchGetItem', 'dynamodb:GetItem',
  'ec2:GetPasswordData', 'ecr:GetAuthorizationToken', 'ecr:GetLogin', 'gamelift:RequestUploadCredentials',
  'gamelift:GetInstanceAccess', 'lightsail:DownloadDefaultKeyPair', 'lightsail:GetInstanceAccessDetails',
  'lightsail:GetKeyPair', 'lightsail:GetKeyPairs', 'kms:*', 'redshift:GetClusterCredentials', 'sdb:*',
  'secretsmanager:*', 'sso:*', 'sso-admin:*', 'sso-oidc:*', 'storagegateway:DescribeChapCredentials',
  's3:GetObject', 's3:HeadObject',
];

/**
 * Entries of the same list chattrail does not refuse, and why: AWS's current guide publishes SCPs
 * that deny `iam:*` and `sts:AssumeRole` "invoked through" chat configurations
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/scp.html and aws-samples'
 * service-control-policy-examples), which would be pointless if the service refused them itself;
 * and chattrail's own suite runs IAM and STS commands in channels. Restrict them with a guardrail
 * or a policy on aws:ChatbotSourceArn instead.
 */
export const NOT_ENFORCED: readonly string[] = ['iam:*', 'sts:*'];

/** The CLI's service names whose IAM prefix differs. */
const PREFIX_OF_CLI: Record<string, string> = { s3api: 's3' };

/** The protected action a CLI command (`ec2`, `get-password-data`) falls under, if any. */
export function protectedAction(cliService: string, cliOperation: string): string | undefined {
  const prefix = PREFIX_OF_CLI[cliService.toLowerCase()] ?? cliService.toLowerCase();
  const op = cliOperation.toLowerCase();
  return PROTECTED_ACTIONS.find((entry) => {
    const [p, action] = entry.split(':');
    return p === prefix && (action === '*' || cliName(action) === op);
  });
}

/** What the channel is told. */
export function protectionMessage(cliService: string, cliOperation: string, action: string): string {
  return `\`${cliService.toLowerCase()} ${cliOperation.toLowerCase()}\` cannot be run from a chat channel: AWS Chatbot does not support commands that can reveal credentials, keys or secrets (\`${action}\`), whatever the channel's role allows. Run it from the AWS CLI or the console instead.`;
}
