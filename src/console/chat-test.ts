// The chat test panel: runs an `@aws ...` command as a channel configuration would, and answers
// with the text the channel would show. The configuration is read through the internal client as
// the signed-in user (so the user must be allowed to see it, and the read is recorded), then the
// command runs the way the chat module runs it for Slack (without posting to Slack), with two
// limits a channel's role must not lift: a command that changes resources first asks, as the
// channel does, and every call must be allowed for the signed-in user too (their rights ∩ the
// channel's), so the panel is never a way around one's own policies.
import type { ModuleDeps } from '../core/module.js';
import type { Principal } from '../common/principal.js';
import { dropCounts, type DropCounts } from '../chat/drops.js';

export interface ChatTestRequest {
  principal: Principal;
  channelConfigurationArn: string;
  command: string;
  sourceIp: string;
  userAgent: string;
  /** The user confirmed a command that changes resources (after an answer with confirmationRequired). */
  confirm: boolean;
}

export interface ChatTestAnswer {
  ok: boolean;
  /** What the channel would show. */
  text?: string;
  error?: { code: string; message: string };
  /** Nothing ran: the command changes resources; send it again with `confirm` to run it. */
  confirmationRequired?: boolean;
  /** HTTP status for the console API's answer (200 unless the test could not run at all). */
  status?: number;
}

export type ChatTestRunner = (r: ChatTestRequest) => Promise<ChatTestAnswer>;

export function chatTestRunner(deps: ModuleDeps): ChatTestRunner {
  return async (r) => {
    if (!deps.client.serves('chatbot')) return { ok: false, status: 501, error: { code: 'NotAvailable', message: 'The Chatbot API is not available on this server.' } };
    const found = await deps.client.callAs(r.principal, 'chatbot', 'DescribeSlackChannelConfigurations', { ChatConfigurationArn: r.channelConfigurationArn },
      { region: deps.config.region, via: { console: { sourceIp: r.sourceIp, userAgent: r.userAgent } } });
    if (!found.ok) return { ok: false, status: 400, error: { code: found.error.code, message: found.error.message } };
    const configs = (found.output.SlackChannelConfigurations ?? []) as { ChatConfigurationArn: string }[];
    if (!configs.some((c) => c.ChatConfigurationArn === r.channelConfigurationArn)) {
      return { ok: false, status: 404, error: { code: 'ResourceNotFoundException', message: `No channel configuration ${r.channelConfigurationArn}.` } };
    }
    // Looked up per request: modules offer their capabilities once the server is assembled.
    const commands = deps.channelCommands();
    if (!commands) return { ok: false, status: 501, error: { code: 'NotAvailable', message: 'Running chat commands is not available on this server.' } };
    const answer = await commands.runForUser({
      configurationArn: r.channelConfigurationArn, command: r.command, confirmed: r.confirm,
      user: { principal: r.principal, sourceIp: r.sourceIp, userAgent: r.userAgent },
    });
    return { ok: answer.ok, text: answer.text, confirmationRequired: answer.confirmationRequired };
  };
}

/**
 * The dropped-notification counts of the channel configurations the signed-in user may list
 * (DescribeSlackChannelConfigurations as them, recorded like any console read).
 */
export function chatDropsReader(deps: ModuleDeps): (r: { principal: Principal; sourceIp: string; userAgent: string }) => Promise<ChatTestAnswer & { drops?: DropCounts[] }> {
  return async (r) => {
    if (!deps.client.serves('chatbot')) return { ok: false, status: 501, error: { code: 'NotAvailable', message: 'The Chatbot API is not available on this server.' } };
    const found = await deps.client.callAs(r.principal, 'chatbot', 'DescribeSlackChannelConfigurations', {},
      { region: deps.config.region, via: { console: { sourceIp: r.sourceIp, userAgent: r.userAgent } } });
    if (!found.ok) return { ok: false, status: 400, error: { code: found.error.code, message: found.error.message } };
    const configs = (found.output.SlackChannelConfigurations ?? []) as { ChatConfigurationArn: string }[];
    const drops = await Promise.all(configs.map((c) => dropCounts(deps.stores.documents, c.ChatConfigurationArn)));
    return { ok: true, drops };
  };
}
