// `chattrail slack connect` and `chattrail slack workspaces`: connect a Slack workspace to an account
// without reading the API by hand. `connect` asks the server for Slack's authorize URL
// (GetSlackOAuthParameters, as the console does), prints it, and waits until Slack's redirect to
// /slack/oauth/callback has been redeemed, i.e. until a new workspace shows in DescribeSlackWorkspaces.
import { ApiError, postJson, type ProfileCredentials } from './signed-client.js';

export interface SlackCliTarget {
  endpoint: string;
  region: string;
  credentials: ProfileCredentials;
  /** Stop waiting for the browser after this long. */
  waitMs: number;
  out: (line: string) => void;
}

interface Workspace { SlackTeamId: string; SlackTeamName: string; State?: string; StateReason?: string }

async function workspaces(t: SlackCliTarget): Promise<Workspace[]> {
  const all: Workspace[] = [];
  let token: string | undefined;
  do {
    const page = await postJson(t.endpoint, 'chatbot', t.region, t.credentials, '/describe-slack-workspaces', token ? { NextToken: token } : {});
    all.push(...((page.SlackWorkspaces ?? []) as Workspace[]));
    token = page.NextToken as string | undefined;
  } while (token);
  return all;
}

export async function listWorkspaces(t: SlackCliTarget): Promise<void> {
  const list = await workspaces(t);
  if (!list.length) {
    t.out('No Slack workspace is connected to this account. Run `npx chattrail slack connect`.');
    return;
  }
  for (const w of list) t.out(`${w.SlackTeamId}\t${w.SlackTeamName}\t${w.State ?? 'ENABLED'}${w.StateReason ? `\t${w.StateReason}` : ''}`);
}

export async function connectWorkspace(t: SlackCliTarget): Promise<void> {
  const before = new Set((await workspaces(t)).map((w) => w.SlackTeamId));
  let params;
  try {
    params = await postJson(t.endpoint, 'chatbot', t.region, t.credentials, '/get-slack-oauth-parameters', {});
  } catch (e) {
    if (e instanceof ApiError && e.code === 'GetSlackOAuthParametersException') {
      throw new Error(`${e.message}\nStart chattrail with CHATTRAIL_SLACK_CLIENT_ID, CHATTRAIL_SLACK_CLIENT_SECRET and CHATTRAIL_SLACK_SIGNING_SECRET (README: "Connect a Slack workspace").`);
    }
    throw e;
  }
  t.out('Open this URL in a browser signed in to your Slack workspace, and approve:');
  t.out(`  ${String(params.AuthorizationUrl)}`);
  t.out(`Slack then redirects the browser to chattrail, which connects the workspace. Waiting up to ${Math.round(t.waitMs / 60000)} min (Ctrl-C to stop)...`);
  const deadline = Date.now() + t.waitMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const added = (await workspaces(t)).filter((w) => !before.has(w.SlackTeamId));
    if (added.length) {
      for (const w of added) t.out(`Connected Slack workspace ${w.SlackTeamName} (${w.SlackTeamId}).`);
      t.out('Next: aws chatbot create-slack-channel-configuration --slack-team-id ' + added[0].SlackTeamId + ' ...');
      return;
    }
  }
  throw new Error('No workspace was connected in time. The authorize URL stays valid for 10 minutes; run `chattrail slack connect` again for a new one.');
}
