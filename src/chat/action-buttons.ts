// Custom action buttons on notifications: which of a channel's custom actions attach to a
// notification (the attachment's NotificationType and Criteria), the variables each fills its
// command from, and the Slack actions block that carries the buttons. Pure: the notifier posts,
// the conversation runs a clicked button.
import type { ChannelCustomAction, CustomActionButton } from '../core/chat-directory.js';
import { CLOUDWATCH_ALARM_VARIABLES, CLOUDWATCH_NOTIFICATION_TYPE } from '../services/chatbot/notification-variables.js';
import { commandVariables } from './aliases.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a notification is, for attachments: its type and its JSON. */
export interface NotificationEvent {
  /**
   * `CloudWatch` for alarms, `Custom` for custom notifications, and for EventBridge events their
   * source without `aws.` (`aws.guardduty` → `guardduty`); attachments match it ignoring case.
   */
  type: string;
  body: Json;
}

export const CUSTOM_ACTION_PREFIX = 'chattrail_custom_action';
/** Slack allows 25 elements in one actions block. */
const MAX_BUTTONS = 25;

/** Whether an attachment's NotificationType names this notification (none names every one). */
function typeMatches(wanted: string | undefined, event: NotificationEvent): boolean {
  if (!wanted) return true;
  const w = wanted.toLowerCase();
  return w === event.type.toLowerCase() || (w === 'eventbridge' && event.body.version === '0');
}

/**
 * A value in the notification by a path: `AlarmName`, `Trigger.Dimensions[0].value`, with an
 * optional `$.` or `event.` in front. Keys match exactly, else ignoring case; only scalars answer.
 */
export function readPath(body: unknown, path: string): string | undefined {
  const parts = path.replace(/^\$\.?/, '').replace(/^event\./i, '').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let cur: unknown = body;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(p) ? cur[Number(p)] : undefined;
    else if (isObject(cur)) cur = p in cur ? cur[p] : cur[Object.keys(cur).find((k) => k.toLowerCase() === p.toLowerCase()) ?? ''];
    else return undefined;
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return undefined;
}

/** The variables an attachment sees: what the notification supplies by itself, then its own Variables. */
export function attachmentVariables(event: NotificationEvent, attachment: CustomActionButton): Record<string, string> {
  const vars: Record<string, string> = {};
  if (event.type === CLOUDWATCH_NOTIFICATION_TYPE) {
    const trigger = isObject(event.body.Trigger) ? event.body.Trigger : {};
    for (const name of CLOUDWATCH_ALARM_VARIABLES) {
      const v = readPath(event.body, name) ?? readPath(trigger, name);
      if (v !== undefined) vars[name] = v;
    }
  }
  for (const [name, path] of Object.entries(attachment.variables)) {
    const v = readPath(event.body, path);
    if (v !== undefined) vars[name] = v;
  }
  return vars;
}

/** HAS_VALUE: the variable is there and not empty; EQUALS: it is exactly the criterion's Value. All must hold. */
export function criteriaHold(attachment: CustomActionButton, vars: Record<string, string>): boolean {
  return attachment.criteria.every((c) => (c.operator === 'EQUALS' ? c.value !== undefined && vars[c.variableName] === c.value : (vars[c.variableName] ?? '') !== ''));
}

export interface MatchedButton {
  action: ChannelCustomAction;
  text: string;
  /** The variables the command uses, filled from this notification. */
  variables: Record<string, string>;
}

/**
 * The buttons a notification gets: one per custom action with an attachment whose type and
 * criteria hold and whose command's variables the notification fills (a button that could only
 * fail is not shown).
 */
export function matchingButtons(event: NotificationEvent, actions: readonly ChannelCustomAction[]): MatchedButton[] {
  const out: MatchedButton[] = [];
  for (const action of actions) {
    for (const attachment of action.attachments) {
      if (!typeMatches(attachment.notificationType, event)) continue;
      const vars = attachmentVariables(event, attachment);
      if (!criteriaHold(attachment, vars)) continue;
      const used = commandVariables(action.commandText);
      if (used.some((v) => vars[v] === undefined)) continue;
      out.push({ action, text: attachment.buttonText ?? action.actionName, variables: Object.fromEntries(used.map((v) => [v, vars[v]])) });
      break;
    }
    if (out.length === MAX_BUTTONS) break;
  }
  return out;
}

/** The actions block: each button's value names the stored click (the notifier keeps what it runs). */
export function buttonsBlock(buttons: readonly { text: string; id: string }[]): unknown {
  return {
    type: 'actions', block_id: CUSTOM_ACTION_PREFIX,
    elements: buttons.map((b, i) => ({ type: 'button', action_id: `${CUSTOM_ACTION_PREFIX}_${i}`, text: { type: 'plain_text', text: b.text.slice(0, 75) }, value: b.id })),
  };
}
