// The Event history table: one row per event, newest first, the event name a link to the full
// record (the whole row is clickable too; the link keeps it reachable by keyboard).
import type { LookupEvent } from '../api.js';
import { pageUrl } from '../app.js';
import { h } from '../dom.js';
import { parseRecord, timeCell, zoneLabel } from '../format.js';

export const COLUMNS = ['Event name', 'Event time', 'User name', 'Event source', 'Resource type', 'Resource name', 'Read-only'];

function heading(c: string): string {
  return c === 'Event time' ? `Event time (${zoneLabel()})` : c;
}

export function eventsTable(caption: string): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody');
  const table = h('table', { class: 'data events', id: 'events-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, COLUMNS.map((c) => h('th', { scope: 'col' }, heading(c))))),
    body);
  return { table, body };
}

/** Where a resource name is an ARN, its last part names it; the whole ARN stays in the title. */
function shortName(name: string): string {
  if (!name.startsWith('arn:')) return name;
  const rest = name.split(':').slice(5).join(':');
  return rest.slice(rest.lastIndexOf('/') + 1) || rest || name;
}

/** Resource types break after `::` (AWS::Chatbot::SlackChannelConfiguration), never inside a word. */
function breakable(text: string): (string | HTMLElement)[] {
  return text.split(/(?<=::)/).flatMap((part, i) => (i ? [h('wbr'), part] : [part]));
}

function resourceCell(values: string[], kind: 'type' | 'name'): HTMLElement {
  if (!values.length) return h('td', { class: 'muted' }, '—');
  const first = kind === 'name' ? shortName(values[0]) : breakable(values[0]);
  return h('td', { class: `resource resource-${kind}`, title: values.join('\n') }, first, values.length > 1 ? h('span', { class: 'more-count' }, ` +${values.length - 1}`) : null);
}

export function eventRow(e: LookupEvent, region: string, onOpen: (href: string) => void, fresh = false): HTMLTableRowElement {
  const href = pageUrl(`/console/events/${encodeURIComponent(e.EventId)}`, region);
  const errorCode = parseRecord(e).errorCode;
  const resources = e.Resources ?? [];
  const types = [...new Set(resources.map((r) => r.ResourceType ?? '').filter(Boolean))];
  const names = resources.map((r) => r.ResourceName ?? '').filter(Boolean);
  const row = h('tr', { class: fresh ? 'row-new' : undefined, 'data-event-id': e.EventId },
    h('td', null, h('a', { href, class: 'event-link' }, e.EventName),
      typeof errorCode === 'string' ? h('span', { class: 'pill pill-error', title: 'The call failed' }, errorCode) : null),
    h('td', { class: 'nowrap' }, timeCell(e.EventTime, false)),
    h('td', { class: 'user' }, e.Username ?? h('span', { class: 'muted' }, '—')),
    h('td', { class: 'nowrap' }, e.EventSource),
    resourceCell(types, 'type'),
    resourceCell(names, 'name'),
    h('td', null, e.ReadOnly === 'true' ? 'true' : 'false'));
  row.addEventListener('click', (ev) => {
    // Clicking the link itself navigates already; selecting text must not open the record.
    if ((ev.target as Element).closest('a') || window.getSelection()?.toString()) return;
    onOpen(href);
  });
  return row;
}

export function messageRow(text: string, cls = 'muted'): HTMLTableRowElement {
  return h('tr', { class: 'message-row' }, h('td', { colspan: COLUMNS.length, class: cls }, text));
}
