// The Event history table: one row per event, newest first, the event name a link to the full
// record (the whole row is clickable too; the link keeps it reachable by keyboard).
import type { LookupEvent } from '../api.js';
import { pageUrl } from '../app.js';
import { h } from '../dom.js';
import { parseRecord, timeCell } from '../format.js';

export const COLUMNS = ['Event name', 'Event time', 'User name', 'Event source', 'Resource type', 'Resource name', 'Read-only'];

export function eventsTable(caption: string): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody');
  const table = h('table', { class: 'data events', id: 'events-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
    body);
  return { table, body };
}

function resourceCell(values: string[]): HTMLElement {
  if (!values.length) return h('td', { class: 'muted' }, '—');
  const first = values[0];
  return h('td', { class: 'wrap', title: values.join('\n') }, first, values.length > 1 ? h('span', { class: 'more-count' }, ` +${values.length - 1}`) : null);
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
    h('td', { class: 'nowrap' }, timeCell(e.EventTime)),
    h('td', { class: 'wrap' }, e.Username ?? h('span', { class: 'muted' }, '—')),
    h('td', { class: 'nowrap' }, e.EventSource),
    resourceCell(types),
    resourceCell(names),
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
