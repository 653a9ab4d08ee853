// Turns an SNS message into the chat message AWS Chatbot would post, or says why Chatbot would drop
// it. AWS Chatbot posts three kinds: its custom notification schema (version "1.0", source
// "custom", content.description required), CloudWatch alarm state changes, and EventBridge events
// (version "0" with source and detail-type). Anything else, plain text included, is not delivered.

export interface ChatNotification {
  /** Slack mrkdwn; also the notification's fallback text. */
  text: string;
  blocks: unknown[];
  /** Custom notifications with metadata.threadId: later ones with the same id reply in one thread. */
  threadId?: string;
  /** What custom action buttons are matched against (action-buttons.ts). */
  event: { type: string; body: Record<string, unknown> };
}

export type FormattedNotification = { ok: true; notification: ChatNotification } | { ok: false; reason: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : []);

/** Slack counts a section's text up to 3,000 characters. */
const SECTION_LIMIT = 3000;
/** Cuts to `n` UTF-16 units, never between the halves of a surrogate pair. */
const clip = (s: string, n = SECTION_LIMIT) => (s.length > n ? `${s.slice(0, n - 1).replace(/[\uD800-\uDBFF]$/, '')}…` : s);

/**
 * Alarm and event fields are data, not markup: escaped as Slack asks, so an alarm description
 * cannot mention @channel or disguise a link.
 */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Custom notifications are the publisher's own markdown; channel-wide mentions are still refused. */
const noBroadcast = (s: string) => s.replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, '@$1');

export function formatNotification(message: string): FormattedNotification {
  let body: unknown;
  try { body = JSON.parse(message); } catch { body = undefined; }
  if (!isObject(body)) return { ok: false, reason: 'the message is not JSON; AWS Chatbot delivers custom notifications, CloudWatch alarms and EventBridge events only' };
  if (body.version === '1.0' || (body.source === 'custom' && body.version !== '0')) return custom(body);
  if (str(body.AlarmName) && str(body.NewStateValue)) return { ok: true, notification: { ...alarm(body), event: { type: 'CloudWatch', body } } };
  if (body.version === '0' && str(body.source) && str(body['detail-type'])) {
    return { ok: true, notification: { ...eventBridge(body), event: { type: String(body.source).replace(/^aws\./, ''), body } } };
  }
  return { ok: false, reason: 'the JSON is neither a custom notification (version 1.0, source custom), a CloudWatch alarm nor an EventBridge event' };
}

function custom(body: Json): FormattedNotification {
  if (body.version !== '1.0') return { ok: false, reason: 'custom notifications need "version": "1.0"' };
  if (body.source !== 'custom') return { ok: false, reason: 'custom notifications need "source": "custom"' };
  const content = isObject(body.content) ? body.content : {};
  const rawDescription = str(content.description);
  if (!rawDescription) return { ok: false, reason: 'custom notifications need content.description' };
  const description = noBroadcast(rawDescription);
  const title = str(content.title) && noBroadcast(String(content.title));
  const nextSteps = strings(content.nextSteps).map(noBroadcast);
  const keywords = strings(content.keywords).map(noBroadcast);
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const blocks: unknown[] = [];
  if (title) blocks.push(section(`*${title}*`));
  blocks.push(section(description));
  if (nextSteps.length) blocks.push(section(`*Next steps*\n${nextSteps.map((s) => `• ${s}`).join('\n')}`));
  if (keywords.length) blocks.push(context(keywords.map((k) => `\`${k}\``).join('  ')));
  const text = [title && `*${title}*`, description, nextSteps.length ? `Next steps: ${nextSteps.join('; ')}` : ''].filter(Boolean).join('\n');
  return { ok: true, notification: { text: clip(text), blocks, threadId: str(metadata.threadId), event: { type: 'Custom', body } } };
}

function alarm(body: Json): Omit<ChatNotification, 'event'> {
  const state = String(body.NewStateValue);
  const icon = state === 'ALARM' ? ':rotating_light:' : state === 'OK' ? ':white_check_mark:' : ':grey_question:';
  const field = (v: unknown) => (str(v) ? esc(String(v)) : undefined);
  const region = field(body.Region) ?? '';
  const account = field(body.AWSAccountId) ?? '';
  const headline = `${icon} CloudWatch Alarm | ${esc(String(body.AlarmName))} | ${region}${account ? ` | Account: ${account}` : ''}`;
  const lines = [
    field(body.AlarmDescription),
    field(body.NewStateReason),
    `*State:* ${field(body.OldStateValue) ? `${field(body.OldStateValue)} → ` : ''}${esc(state)}${field(body.StateChangeTime) ? ` at ${field(body.StateChangeTime)}` : ''}`,
  ].filter((l): l is string => !!l);
  const trigger = isObject(body.Trigger) ? body.Trigger : undefined;
  if (trigger && str(trigger.MetricName)) lines.push(`*Metric:* ${field(trigger.Namespace) ? `${field(trigger.Namespace)} ` : ''}${esc(String(trigger.MetricName))}`);
  return { text: clip(`*${headline}*\n${lines.join('\n')}`), blocks: [section(`*${headline}*`), section(lines.join('\n'))] };
}

function eventBridge(body: Json): Omit<ChatNotification, 'event'> {
  const detailType = String(body['detail-type']);
  const field = (v: unknown) => (str(v) ? esc(String(v)) : undefined);
  const region = field(body.region) ?? '';
  const account = field(body.account) ?? '';
  const headline = `${esc(detailType)}${region ? ` | ${region}` : ''}${account ? ` | Account: ${account}` : ''}`;
  const detail = isObject(body.detail) ? body.detail : {};
  const lines: string[] = [];
  if (detailType === 'AWS API Call via CloudTrail' || detailType === 'AWS Console Sign In via CloudTrail') {
    const who = isObject(detail.userIdentity) ? field(detail.userIdentity.arn) ?? field(detail.userIdentity.type) : undefined;
    lines.push(`*API:* ${field(detail.eventSource) ?? esc(String(body.source))} ${field(detail.eventName) ?? ''}`.trim());
    if (who) lines.push(`*Caller:* ${who}`);
    if (str(detail.errorCode)) lines.push(`*Error:* ${field(detail.errorCode)}${field(detail.errorMessage) ? ` ${field(detail.errorMessage)}` : ''}`);
    if (str(detail.eventTime)) lines.push(`*Time:* ${field(detail.eventTime)}`);
  }
  const resources = strings(body.resources);
  if (resources.length) lines.push(`*Resources:* ${resources.map((r) => `\`${esc(r)}\``).join(', ')}`);
  const blocks: unknown[] = [section(`*${headline}*`)];
  if (lines.length) blocks.push(section(lines.join('\n')));
  return { text: clip([`*${headline}*`, ...lines].join('\n')), blocks };
}

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

function context(text: string) {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text) }] };
}
