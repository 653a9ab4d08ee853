// Slack's answers, as a Chatbot caller sees them: each SlackCallError and OAuth state problem
// becomes the model's error with a message that says what happened and what to do next.
import { AwsError } from '../../protocol/errors.js';
import { SlackCallError } from '../../slack/client.js';
import { OAuthStateError } from '../../slack/oauth-state.js';

export const SLACK_SETTINGS_HINT = 'set CHATTRAIL_SLACK_CLIENT_ID and CHATTRAIL_SLACK_CLIENT_SECRET (your Slack app\'s Basic Information page) and restart chattrail';

/** Maps a failure of a Slack call made by `opName` to the error its caller receives. */
export function slackFailure(opName: string, e: unknown, teamId?: string): AwsError {
  if (!(e instanceof SlackCallError)) throw e;
  const where = teamId ? ` in Slack workspace ${teamId}` : '';
  switch (e.kind) {
    case 'ratelimited':
      return new AwsError('ServiceUnavailableException', `Slack is rate limiting chattrail (${e.method}); try again in ${e.retryAfter ?? 1} seconds.`);
    case 'auth':
      return new AwsError('InvalidRequestException', `Slack no longer accepts chattrail's bot token${where} (${e.slackError}). The workspace needs to be authorized again: call GetSlackOAuthParameters and complete the Slack authorization.`);
    case 'network':
      return new AwsError(`${opName}Exception`, `chattrail could not reach Slack (${e.slackError}) while calling ${e.method}; nothing was changed. Try again.`, 500);
    case 'platform':
      return platformFailure(opName, e, where);
  }
}

function platformFailure(opName: string, e: SlackCallError, where: string): AwsError {
  switch (e.slackError) {
    case 'invalid_code':
    case 'code_already_used':
      return new AwsError('InvalidParameterException', `Slack rejected the authorization code (${e.slackError}): it is invalid, expired or already used. Start the authorization again with GetSlackOAuthParameters.`);
    case 'bad_redirect_uri':
      return new AwsError('InvalidRequestException', 'Slack rejected the redirect URI (bad_redirect_uri): it must be one of your Slack app\'s Redirect URLs; set CHATTRAIL_SLACK_REDIRECT_URI or CHATTRAIL_PUBLIC_URL to match.');
    case 'invalid_client_id':
    case 'bad_client_secret':
    case 'invalid_client':
      return new AwsError('InvalidRequestException', `Slack rejected chattrail's app credentials (${e.slackError}): check CHATTRAIL_SLACK_CLIENT_ID and CHATTRAIL_SLACK_CLIENT_SECRET.`);
    case 'missing_scope':
      return new AwsError('InvalidRequestException', `chattrail's Slack app lacks the scope ${String(e.details.needed ?? '')}${where}; update the app's scopes (slack-app-manifest.yaml) and authorize the workspace again.`);
    case 'channel_not_found':
      return new AwsError('InvalidParameterException', `The Slack channel was not found${where}, or it is private and chattrail's bot (@aws) has not been invited to it.`);
    case 'invalid_cursor':
      return new AwsError('InvalidParameterException', 'The NextToken is no longer valid in Slack; list the channels again from the first page.');
    default:
      return new AwsError(`${opName}Exception`, `Slack answered ${e.method} with the error ${e.slackError}${where}.`, 500);
  }
}

/** The OAuth state's problems, for RedeemSlackOAuthCode and the redirect page. */
export function stateFailure(e: unknown): AwsError {
  if (!(e instanceof OAuthStateError)) throw e;
  switch (e.problem) {
    case 'expired':
      return new AwsError('InvalidParameterException', 'The State has expired (a state is valid for 10 minutes). Call GetSlackOAuthParameters again and restart the Slack authorization.');
    case 'in-use':
      return new AwsError('InvalidRequestException', 'This State is already being redeemed by another request; wait for it to finish.');
    default:
      return new AwsError('InvalidParameterException', 'The State was not issued by chattrail, or it has already been used. Call GetSlackOAuthParameters again and restart the Slack authorization.');
  }
}
