// Chat clients, as in AWS Chatbot's console: Slack workspaces (a new one goes through Slack's OAuth
// flow and comes back here with a code to redeem), channel configurations (create, edit, delete)
// and a test panel that runs an `@aws ...` command as the channel would. Chatbot is global: its
// calls go to this deployment's home region whatever the region selector says.
import * as api from '../api.js';
import type { ChannelConfiguration, SlackWorkspace } from '../api.js';
import type { App, Page } from '../app.js';
import { errorText } from '../app.js';
import { busy, h, replace, status } from '../dom.js';
import { channelForm } from './chat-form.js';
import { slackText } from '../format.js';

class ChatView {
  private readonly note = h('div', { class: 'notice-slot' });
  private readonly workspacesSlot = h('div', { class: 'table-wrap' });
  private readonly configsSlot = h('div', { class: 'table-wrap' });
  private readonly formSlot = h('div');
  private readonly testSlot = h('div');
  private workspaces: SlackWorkspace[] = [];
  private configs: ChannelConfiguration[] = [];
  private drops = new Map<string, api.DropCounts>();
  private readonly region: string;
  /** Set while Slack's install tab is open: coming back to this tab re-lists the workspaces. */
  private awaitingSlack = false;
  private readonly onReturn = () => {
    if (!this.awaitingSlack || document.visibilityState !== 'visible') return;
    this.awaitingSlack = false;
    replace(this.note);
    void this.loadWorkspaces();
  };

  constructor(private readonly app: App, private readonly main: HTMLElement) {
    this.region = app.session.homeRegion;
  }

  render(url: URL): void {
    const connect = h('button', { type: 'button', class: 'btn btn-primary', id: 'configure-client' }, 'Configure new client');
    connect.addEventListener('click', () => {
      // Slack's page opens in a new tab, opened now while the click still counts as a user gesture
      // (later, after the API call, browsers would block it); its callback page says when it is done.
      const tab = window.open('', '_blank');
      void busy(connect, 'Opening Slack\u2026', async () => {
        try {
          const p = await api.chatbot.getOAuthParameters(this.region);
          if (!tab) return location.assign(p.AuthorizationUrl);
          tab.opener = null;
          tab.location.href = p.AuthorizationUrl;
          this.awaitingSlack = true;
          replace(this.note, status('info', 'Finish the installation in Slack\u2019s tab; this list refreshes when you come back.'));
        } catch (e) {
          tab?.close();
          replace(this.note, status('error', `Could not start Slack\u2019s authorization: ${errorText(e)}`));
        }
      });
    });
    const refresh = h('button', { type: 'button', class: 'btn btn-small', id: 'refresh-workspaces' }, 'Refresh');
    refresh.addEventListener('click', () => {
      if (this.awaitingSlack) { this.awaitingSlack = false; replace(this.note); }
      void busy(refresh, 'Refreshing\u2026', () => this.loadWorkspaces());
    });
    window.addEventListener('focus', this.onReturn);
    document.addEventListener('visibilitychange', this.onReturn);
    const newChannel = h('button', { type: 'button', class: 'btn', id: 'configure-channel' }, 'Configure new channel');
    newChannel.addEventListener('click', () => this.openForm());
    replace(this.main,
      h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Chat clients'), h('div', { class: 'head-actions' }, connect)),
      h('p', { class: 'lead' }, 'Slack workspaces and the channels that run ', h('code', null, '@aws'), ' commands. Chatbot is global; its calls are processed in ', h('strong', null, this.region), '.'),
      this.note,
      h('section', { 'aria-labelledby': 'ws-h' }, h('div', { class: 'section-head' }, h('h2', { id: 'ws-h' }, 'Slack workspaces'), refresh), this.workspacesSlot),
      h('section', { 'aria-labelledby': 'cc-h' },
        h('div', { class: 'section-head' }, h('h2', { id: 'cc-h' }, 'Channel configurations'), newChannel),
        this.formSlot, this.configsSlot),
      h('section', { 'aria-labelledby': 'test-h' }, h('h2', { id: 'test-h' }, 'Test a command'), this.testSlot));
    void this.start(url);
  }

  /** Slack sends the user back with ?code&state: redeem them first, then list. */
  private async start(url: URL): Promise<void> {
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    const slackError = url.searchParams.get('error');
    if (code || state || slackError) history.replaceState(null, '', `/console/chat?region=${encodeURIComponent(this.app.region)}`);
    if (slackError) replace(this.note, status('error', `Slack did not authorize the workspace: ${slackError}`));
    else if (code && state) {
      try {
        const ws = await api.chatbot.redeemOAuthCode(this.region, code, state);
        replace(this.note, status('success', `Slack workspace ${ws.SlackTeamName} is authorized.`));
      } catch (e) {
        replace(this.note, status('error', `Could not finish Slack\u2019s authorization: ${errorText(e)}`));
      }
    }
    await Promise.all([this.loadWorkspaces(), this.loadConfigs()]);
  }

  private async loadWorkspaces(): Promise<void> {
    try {
      this.workspaces = (await api.chatbot.describeWorkspaces(this.region)).SlackWorkspaces ?? [];
    } catch (e) {
      replace(this.workspacesSlot, status('error', `Could not list Slack workspaces: ${errorText(e)}`));
      return;
    }
    replace(this.workspacesSlot, this.workspaces.length
      ? h('table', { class: 'data', id: 'workspaces-table' },
        h('caption', { class: 'visually-hidden' }, 'Slack workspaces'),
        h('thead', null, h('tr', null, ['Workspace', 'Team ID', 'State'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, this.workspaces.map((w) => h('tr', null, h('th', { scope: 'row' }, w.SlackTeamName), h('td', null, h('code', null, w.SlackTeamId)),
          h('td', null, w.State === 'DISABLED' ? h('span', { class: 'pill pill-off', title: w.StateReason }, 'Disabled') : h('span', { class: 'pill pill-ok' }, 'Enabled'))))))
      : h('p', { class: 'empty' }, 'No Slack workspace yet. \u201cConfigure new client\u201d takes you to Slack to install the app.'));
  }

  private async loadConfigs(): Promise<void> {
    try {
      this.configs = (await api.chatbot.describeConfigurations(this.region)).SlackChannelConfigurations ?? [];
      // Counts are a help, never a reason not to list the channels.
      this.drops = new Map(((await api.chatDrops().catch(() => undefined))?.drops ?? []).map((d) => [d.configurationArn, d]));
    } catch (e) {
      replace(this.configsSlot, status('error', `Could not list channel configurations: ${errorText(e)}`));
      this.drawTest();
      return;
    }
    replace(this.configsSlot, this.configs.length
      ? h('table', { class: 'data', id: 'channels-table' },
        h('caption', { class: 'visually-hidden' }, 'Channel configurations'),
        h('thead', null, h('tr', null, ['Name', 'Workspace', 'Channel', 'IAM role', 'SNS topics', 'Guardrails', 'Logging', 'Dropped notifications', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, this.configs.map((c) => this.configRow(c))))
      : h('p', { class: 'empty' }, 'No channel configuration yet.'));
    this.drawTest();
  }

  private configRow(c: ChannelConfiguration): HTMLTableRowElement {
    const name = c.ConfigurationName ?? c.ChatConfigurationArn.split('/').pop() ?? '';
    const edit = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Edit ${name}` }, 'Edit');
    edit.addEventListener('click', () => this.openForm(c));
    const actions = h('td', { class: 'row-actions' }, edit);
    const del = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${name}` }, 'Delete');
    del.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Confirm deleting ${name}` }, 'Confirm delete');
      const cancel = h('button', { type: 'button', class: 'btn btn-small' }, 'Cancel');
      cancel.addEventListener('click', () => { replace(actions, edit, ' ', del); del.focus(); });
      confirm.addEventListener('click', () => void busy(confirm, 'Deleting\u2026', async () => {
        try {
          await api.chatbot.deleteConfiguration(this.region, c.ChatConfigurationArn);
          replace(this.note, status('success', `Deleted channel configuration ${name}.`));
          await this.loadConfigs();
        } catch (e) {
          replace(this.note, status('error', `Could not delete ${name}: ${errorText(e)}`));
        }
      }));
      replace(actions, confirm, ' ', cancel);
      confirm.focus();
    });
    actions.append(' ', del);
    const list = (xs: string[] | undefined) => xs?.length ? h('ul', { class: 'plain' }, xs.map((x) => h('li', null, x.split(/[:/]/).pop() ?? x))) : h('span', { class: 'muted' }, 'None');
    return h('tr', { 'data-config': name },
      h('th', { scope: 'row' }, name),
      h('td', null, c.SlackTeamName ?? c.SlackTeamId),
      h('td', null, c.SlackChannelName ? `#${c.SlackChannelName}` : c.SlackChannelId),
      h('td', { class: 'wrap', title: c.IamRoleArn }, c.IamRoleArn.split('/').pop() ?? c.IamRoleArn),
      h('td', { class: 'wrap' }, list(c.SnsTopicArns)),
      h('td', { class: 'wrap' }, list(c.GuardrailPolicyArns)),
      h('td', null, c.LoggingLevel ?? 'NONE'),
      this.dropsCell(c.ChatConfigurationArn),
      actions);
  }

  /** How many notifications the configuration did not post, by reason; the latest in the tooltip. */
  private dropsCell(arn: string): HTMLTableCellElement {
    const d = this.drops.get(arn);
    if (!d?.total) return h('td', { class: 'drops' }, h('span', { class: 'muted' }, '0'));
    const reasons = Object.entries(d.byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
    const title = d.last ? `Latest: ${d.last.reason} at ${d.last.at} (${d.last.detail})` : '';
    return h('td', { class: 'drops wrap', title }, h('strong', null, String(d.total)), ` (${reasons})`);
  }

  private openForm(existing?: ChannelConfiguration): void {
    const close = (saved?: string) => {
      replace(this.formSlot);
      if (saved) {
        replace(this.note, status('success', saved));
        void this.loadConfigs();
      }
    };
    replace(this.formSlot, channelForm(this.region, this.workspaces, existing, close));
    this.formSlot.querySelector<HTMLElement>('input, select')?.focus();
  }

  private drawTest(): void {
    if (!this.configs.length) {
      replace(this.testSlot, h('p', { class: 'empty' }, 'Configure a channel to test commands as that channel would run them.'));
      return;
    }
    const select = h('select', { id: 'test-config' }, this.configs.map((c) => h('option', { value: c.ChatConfigurationArn }, c.ConfigurationName ?? c.ChatConfigurationArn)));
    const command = h('input', { id: 'test-command', value: '@aws sts get-caller-identity', autocomplete: 'off', spellcheck: 'false' });
    const run = h('button', { type: 'submit', class: 'btn btn-primary', id: 'test-run' }, 'Run');
    const out = h('div', { id: 'test-output', 'aria-live': 'polite' });
    const form = h('form', { class: 'card form test-panel' },
      h('div', { class: 'test-row' },
        h('div', { class: 'field' }, h('label', { for: 'test-config' }, 'Channel configuration'), select),
        h('div', { class: 'field grow' }, h('label', { for: 'test-command' }, 'Command'), command),
        h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'), run)),
      h('p', { class: 'hint' }, 'Runs with the channel\u2019s IAM role and guardrails, as in Slack, and only as far as you are allowed yourself. Commands that change resources ask first. Both the role\u2019s AssumeRole and the command\u2019s call are recorded.'),
      out);
    // A question before a write is no failure: only a command that ran and failed is shown as one.
    const answer = (a: api.ChatTestAnswer) => h('div', { class: `answer ${a.ok || a.confirmationRequired ? '' : 'answer-failed'}`, tabindex: 0, 'aria-label': 'Answer' }, slackText(a.text ?? ''));
    const ask = (arn: string, text: string, confirm: boolean, button: HTMLButtonElement) => busy(button, 'Running\u2026', async () => {
      try {
        const a = await api.chatTest(arn, text, confirm);
        replace(out, answer(a));
        // As in the channel: the command that was shown is the one that runs, once confirmed.
        if (a.confirmationRequired) out.append(this.confirmation(arn, text, ask));
      } catch (err) {
        replace(out, status('error', `The command could not run: ${errorText(err)}`));
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void ask(select.value, command.value, false, run);
    });
    replace(this.testSlot, form);
  }

  /** Run / Cancel under a command that changes resources. */
  private confirmation(arn: string, text: string, ask: (arn: string, text: string, confirm: boolean, button: HTMLButtonElement) => Promise<void>): HTMLElement {
    const yes = h('button', { type: 'button', class: 'btn btn-small btn-danger', id: 'test-confirm' }, 'Run');
    const no = h('button', { type: 'button', class: 'btn btn-small', id: 'test-cancel' }, 'Cancel');
    const row = h('div', { class: 'test-confirm' }, yes, ' ', no);
    yes.addEventListener('click', () => void ask(arn, text, true, yes));
    no.addEventListener('click', () => replace(row, status('info', 'Cancelled: nothing ran.')));
    return row;
  }

  stop(): void {
    window.removeEventListener('focus', this.onReturn);
    document.removeEventListener('visibilitychange', this.onReturn);
  }
}

export const chatPage: Page = (app, main, url) => {
  const view = new ChatView(app, main);
  view.render(url);
  return () => view.stop();
};
