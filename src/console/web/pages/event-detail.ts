// One event's full record: a summary of who did what, when and from where, the resources it
// touched, and the CloudTrail record pretty-printed (copyable), found by LookupEvents on EventId.
import * as api from '../api.js';
import type { LookupEvent } from '../api.js';
import type { Page } from '../app.js';
import { errorText, pageUrl } from '../app.js';
import { h, replace, status } from '../dom.js';
import { jsonView, parseRecord, timeCell } from '../format.js';
import { LAST_LIST_KEY } from './events.js';

function summary(e: LookupEvent, r: Record<string, unknown>): HTMLElement {
  const identity = (r.userIdentity ?? {}) as Record<string, unknown>;
  const items: [string, Node | string | undefined][] = [
    ['Event name', e.EventName],
    ['Event time', timeCell(e.EventTime)],
    ['User name', e.Username],
    ['Identity type', identity.type as string | undefined],
    ['AWS access key', e.AccessKeyId],
    ['Event source', e.EventSource],
    ['AWS region', r.awsRegion as string | undefined],
    ['Source IP address', r.sourceIPAddress as string | undefined],
    ['User agent', r.userAgent as string | undefined],
    ['Event ID', e.EventId],
    ['Request ID', r.requestID as string | undefined],
    ['Read-only', e.ReadOnly],
    ['Error code', r.errorCode as string | undefined],
    ['From the console', r.sessionCredentialFromConsole === 'true' ? 'yes' : undefined],
  ];
  return h('dl', { class: 'summary' }, items.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

function resources(e: LookupEvent): HTMLElement {
  const list = e.Resources ?? [];
  if (!list.length) return h('p', { class: 'muted' }, 'This event names no resources.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
    h('caption', { class: 'visually-hidden' }, 'Resources referenced'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Resource type'), h('th', { scope: 'col' }, 'Resource name'))),
    h('tbody', null, list.map((r) => h('tr', null, h('td', null, r.ResourceType ?? '—'), h('td', { class: 'wrap' }, r.ResourceName ?? '—'))))));
}

export const eventDetailPage: Page = (app, main, url) => {
  const id = decodeURIComponent(url.pathname.slice('/console/events/'.length));
  const back = sessionStorage.getItem(LAST_LIST_KEY) ?? pageUrl('/console/events', app.region);
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading the record\u2026'));
  replace(main,
    h('p', { class: 'crumbs' }, h('a', { href: back }, '\u2190 Event history')),
    h('h1', { tabindex: -1, id: 'event-title' }, 'Event record'),
    body);
  let stopped = false;
  void (async () => {
    try {
      const out = await api.cloudtrail.lookupEvents(app.region, { LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: id }], MaxResults: 1 });
      if (stopped) return;
      const e = out.Events?.[0];
      if (!e) {
        replace(body, status('error', `No event ${id} in ${app.region}. Events stay in Event history for the retention period, in the region they were recorded in.`));
        return;
      }
      const record = parseRecord(e);
      document.getElementById('event-title')!.textContent = e.EventName;
      document.title = `${e.EventName} · Event record · chattrail`;
      const pretty = jsonView(record);
      pretty.id = 'event-record';
      pretty.setAttribute('aria-label', 'Event record (JSON)');
      const copy = h('button', { type: 'button', class: 'btn', id: 'copy-record' }, 'Copy JSON');
      const copied = h('span', { class: 'muted small', 'aria-live': 'polite' });
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(JSON.stringify(record, null, 2));
          copied.textContent = 'Copied.';
        } catch {
          copied.textContent = 'Copying is not allowed here; select the text instead.';
        }
      });
      replace(body,
        h('section', { 'aria-labelledby': 'sum-h' }, h('h2', { id: 'sum-h' }, 'Details'), summary(e, record)),
        h('section', { 'aria-labelledby': 'res-h' }, h('h2', { id: 'res-h' }, 'Resources referenced'), resources(e)),
        h('section', { 'aria-labelledby': 'rec-h' },
          h('div', { class: 'section-head' }, h('h2', { id: 'rec-h' }, 'Event record'), h('div', null, copied, ' ', copy)),
          pretty));
    } catch (err) {
      if (!stopped) replace(body, status('error', `Could not load the event: ${errorText(err)}`));
    }
  })();
  return () => { stopped = true; };
};
