// The channel configuration form (create and edit): workspace and channel, the IAM role commands
// run as, SNS topics whose notifications the channel receives, guardrail policies that cap every
// command, and the logging level.
import * as api from '../api.js';
import type { ChannelConfiguration, SlackWorkspace } from '../api.js';
import { errorText } from '../app.js';
import { busy, checkbox, field, h, replace, status } from '../dom.js';

const DEFAULT_GUARDRAIL = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

function lines(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** Fills a datalist from an API that may be missing or refuse; suggestions are a convenience only. */
function suggest(list: HTMLDataListElement, load: () => Promise<string[]>): void {
  load().then((values) => replace(list, values.map((v) => h('option', { value: v }))), () => undefined);
}

export function channelForm(region: string, workspaces: SlackWorkspace[], existing: ChannelConfiguration | undefined,
  close: (saved?: string) => void): HTMLElement {
  const editing = !!existing;
  const name = h('input', { id: 'cfg-name', maxlength: 128, pattern: '[A-Za-z0-9\\-_]+', required: true, autocomplete: 'off', value: existing?.ConfigurationName ?? '', disabled: editing });
  const team = h('select', { id: 'cfg-team', disabled: editing },
    editing ? h('option', { value: existing.SlackTeamId }, existing.SlackTeamName ?? existing.SlackTeamId)
      : workspaces.map((w) => h('option', { value: w.SlackTeamId }, w.SlackTeamName)));
  const channelList = h('datalist', { id: 'cfg-channel-list' });
  const channel = h('input', { id: 'cfg-channel', required: true, list: 'cfg-channel-list', autocomplete: 'off', spellcheck: 'false', value: existing?.SlackChannelId ?? '' });
  const channelName = h('input', { id: 'cfg-channel-name', autocomplete: 'off', value: existing?.SlackChannelName ?? '' });
  const names = new Map<string, string>();
  const loadChannels = () => {
    if (!team.value) return;
    suggest(channelList, async () => {
      const out = await api.chatbot.describeChannels(region, team.value);
      for (const c of out.SlackChannels ?? []) names.set(c.SlackChannelId, c.SlackChannelName);
      return (out.SlackChannels ?? []).map((c) => c.SlackChannelId);
    });
  };
  team.addEventListener('change', loadChannels);
  loadChannels();
  // The name follows the chosen channel until the user types a name of their own.
  let nameTyped = !!existing?.SlackChannelName;
  channelName.addEventListener('input', () => { nameTyped = channelName.value !== ''; });
  channel.addEventListener('input', () => { if (!nameTyped) channelName.value = names.get(channel.value.trim()) ?? ''; });
  const roleList = h('datalist', { id: 'cfg-role-list' });
  suggest(roleList, async () => ((await api.iam.listRoles(region)).Roles ?? []).map((r) => r.Arn));
  const role = h('input', { id: 'cfg-role', required: true, list: 'cfg-role-list', autocomplete: 'off', spellcheck: 'false', value: existing?.IamRoleArn ?? '' });
  const topics = h('textarea', { id: 'cfg-topics', rows: 2, spellcheck: 'false' }, (existing?.SnsTopicArns ?? []).join('\n'));
  const guardrails = h('textarea', { id: 'cfg-guardrails', rows: 2, spellcheck: 'false' }, (existing?.GuardrailPolicyArns ?? (editing ? [] : [DEFAULT_GUARDRAIL])).join('\n'));
  const level = h('select', { id: 'cfg-logging' }, ['ERROR', 'INFO', 'NONE'].map((l) => h('option', { value: l, selected: l === (existing?.LoggingLevel ?? 'ERROR') }, l)));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'cfg-submit' }, editing ? 'Save changes' : 'Create configuration');
  const note = h('div', { class: 'notice-slot' });
  const form = h('form', { class: 'card form', id: 'channel-form', 'aria-labelledby': 'cfg-h' },
    h('h3', { id: 'cfg-h' }, editing ? `Edit ${existing.ConfigurationName ?? 'channel configuration'}` : 'Configure a Slack channel'),
    !editing && !workspaces.length ? status('info', 'Authorize a Slack workspace first (\u201cConfigure new client\u201d).') : null,
    h('div', { class: 'grid2' },
      field('Configuration name', name, 'Letters, digits, hyphens and underscores.'),
      field('Slack workspace', team),
      field('Slack channel ID', channel, 'For example C0123ABCD: in Slack, the last part of the channel\u2019s link.'),
      field('Channel name (optional)', channelName),
      field('IAM role ARN', role, 'The role commands run as. Its trust policy must allow chatbot.amazonaws.com.'),
      field('Logging level', level),
      field('SNS topic ARNs', topics, 'One per line. Notifications published to these topics are posted in the channel.'),
      field('Guardrail policy ARNs', guardrails, 'One per line. Every command is capped by these policies, whatever the role allows.')),
    checkbox('Require each Slack user to use their own IAM role', 'userAuth', existing?.UserAuthorizationRequired ?? false),
    channelList, roleList,
    note,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Cancel')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const missing = [[name, 'a configuration name'], [channel, 'a Slack channel ID'], [role, 'an IAM role ARN']]
      .find(([el]) => !(el as HTMLInputElement).value.trim()) as [HTMLInputElement, string] | undefined;
    if (missing || (!editing && !team.value)) {
      replace(note, status('error', missing ? `Enter ${missing[1]}.` : 'Choose a Slack workspace.'));
      (missing?.[0] ?? team).focus();
      return;
    }
    const input: api.ChannelConfigurationInput = {
      SlackChannelId: channel.value.trim(), SlackChannelName: channelName.value.trim() || undefined, IamRoleArn: role.value.trim(),
      SnsTopicArns: lines(topics.value), GuardrailPolicyArns: lines(guardrails.value), LoggingLevel: level.value,
      UserAuthorizationRequired: (form.elements.namedItem('userAuth') as HTMLInputElement).checked,
    };
    void busy(submit, editing ? 'Saving\u2026' : 'Creating\u2026', async () => {
      try {
        if (existing) await api.chatbot.updateConfiguration(region, { ...input, ChatConfigurationArn: existing.ChatConfigurationArn });
        else await api.chatbot.createConfiguration(region, { ...input, ConfigurationName: name.value.trim(), SlackTeamId: team.value });
        close(editing ? `Saved ${existing?.ConfigurationName ?? 'the channel configuration'}.` : `Created channel configuration ${name.value.trim()}.`);
      } catch (err) {
        replace(note, status('error', `Could not ${editing ? 'save' : 'create'} the configuration: ${errorText(err)}`));
      }
    });
  });
  return form;
}
