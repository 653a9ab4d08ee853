// User roles in the channel, as AWS Chatbot documents them (adminguide cm-container.html,
// adm-container.html): a member without a role in a channel that requires one is prompted to add
// one ("Let's get started"), `@aws switch-role` shows the member's role per account and links to
// the console page where they choose another. Mapping happens there (and in Slack's authorization
// page), never in the channel: the link carries nothing about who clicked it.
import type { ChannelConfig } from '../core/chat-directory.js';
import { normalizeSlackText, stripBotName } from './command.js';

export const ROLE_LINK_ACTION = 'chattrail_user_role';

/** Whether a mention asks `switch-role`. */
export function isSwitchRole(text: string): boolean {
  return /^switch-role\s*$/i.test(stripBotName(normalizeSlackText(text)).trim());
}

/** The console page where a member of `config`'s channel chooses a role of its account. */
export function userRoleUrl(consoleBase: string, config: ChannelConfig): string {
  return `${consoleBase.replace(/\/+$/, '')}/console/chat/user-role?configuration=${encodeURIComponent(config.configurationArn)}`;
}

/** What the channel shows: text for notifications and clients without blocks, and the same with link buttons. */
export interface RoleMessage {
  text: string;
  blocks: unknown[];
}

function linkButtons(consoleBase: string, configs: ChannelConfig[], label: (c: ChannelConfig) => string): unknown {
  return {
    type: 'actions',
    elements: configs.map((c, i) => ({
      type: 'button', action_id: `${ROLE_LINK_ACTION}_${i}`, url: userRoleUrl(consoleBase, c), text: { type: 'plain_text', text: label(c) },
    })),
  };
}

/** A command from a member without a user role, in a channel that requires one. */
export function needsOwnRoleMessage(consoleBase: string, config: ChannelConfig, user: string): RoleMessage {
  const url = userRoleUrl(consoleBase, config);
  const text = `This channel requires each user to link their own IAM role (user authorization). <@${user}>, choose a user role in account ${config.accountId} `
    + `(configuration ${config.configurationName}): <${url}|Let's get started>. Only you can map your role; an administrator can only unmap it.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, linkButtons(consoleBase, [config], () => "Let's get started")] };
}

/** `@aws switch-role`: the member's current role in each account the channel reaches, and where to choose another. */
export function switchRoleMessage(consoleBase: string, configs: ChannelConfig[], user: string, roles: (string | undefined)[]): RoleMessage {
  const lines = configs.map((c, i) => {
    const role = roles[i];
    const now = role ? `your user role is \`${role.split(':').pop()}\`` : c.userAuthorizationRequired ? 'you have no user role yet (this channel requires one)' : `you have no user role: commands use the channel role \`${c.iamRoleArn.split(':').pop()}\``;
    return `• Account ${c.accountId} (configuration ${c.configurationName}): ${now}. <${userRoleUrl(consoleBase, c)}|Choose user role>`;
  });
  const text = `<@${user}>, choose the account you want to switch roles for:\n${lines.join('\n')}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, linkButtons(consoleBase, configs, (c) => `Account ${c.accountId}`)] };
}
