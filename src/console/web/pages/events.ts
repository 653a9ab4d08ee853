// Event history, as in CloudTrail's console: one lookup attribute, a time range (relative or
// absolute), newest first, 50 per page, downloads as JSON or CSV, and a live mode that adds events
// as they are recorded. The filter lives in the URL, so back, reload and shared links keep it.
import * as api from '../api.js';
import type { LookupEvent, LookupInput } from '../api.js';
import type { Page, App } from '../app.js';
import { errorText, pageUrl } from '../app.js';
import { busy, download, field, h, replace, status } from '../dom.js';
import { eventsAsCsv, eventsAsJson, toLocalInput } from '../format.js';
import { eventRow, eventsTable, messageRow } from './events-table.js';

const PAGE_SIZE = 50;
const DOWNLOAD_MAX = 1000;
const LIVE_MAX_ROWS = 500;
export const LAST_LIST_KEY = 'chattrail.lastEventList';

const ATTRIBUTES: [string, string][] = [
  ['EventName', 'Event name'], ['Username', 'User name'], ['ResourceType', 'Resource type'], ['ResourceName', 'Resource name'],
  ['EventSource', 'Event source'], ['ReadOnly', 'Read-only'], ['AccessKeyId', 'AWS access key'], ['EventId', 'Event ID'],
];
const RANGES: [string, string, number][] = [
  ['1h', 'Last hour', 3_600_000], ['3h', 'Last 3 hours', 3 * 3_600_000], ['12h', 'Last 12 hours', 12 * 3_600_000],
  ['1d', 'Last day', 86_400_000], ['7d', 'Last 7 days', 7 * 86_400_000], ['30d', 'Last 30 days', 30 * 86_400_000],
  ['90d', 'Last 90 days', 0], ['custom', 'Custom range\u2026', 0],
];
const SUGGESTIONS: Record<string, string[]> = {
  ReadOnly: ['true', 'false'],
  EventSource: ['cloudtrail.amazonaws.com', 'iam.amazonaws.com', 'sts.amazonaws.com', 's3.amazonaws.com', 'sns.amazonaws.com',
    'lambda.amazonaws.com', 'organizations.amazonaws.com', 'chatbot.amazonaws.com', 'signin.amazonaws.com'],
};

interface Query {
  key?: string;
  value?: string;
  range: string;
  start?: string;
  end?: string;
  live: boolean;
}

function readQuery(url: URL): Query {
  const p = url.searchParams;
  const range = RANGES.some((r) => r[0] === p.get('range')) ? p.get('range')! : '90d';
  return { key: p.get('key') ?? undefined, value: p.get('value') ?? undefined, range, start: p.get('start') ?? undefined, end: p.get('end') ?? undefined, live: p.get('live') === '1' };
}

function queryParams(q: Query): Record<string, string | undefined> {
  return { key: q.value ? q.key : undefined, value: q.value, range: q.range === '90d' ? undefined : q.range, start: q.range === 'custom' ? q.start : undefined, end: q.range === 'custom' ? q.end : undefined, live: q.live ? '1' : undefined };
}

/** LookupEvents' input for a query; relative ranges are fixed once, so every page belongs to the same query. */
function lookupInput(q: Query): LookupInput {
  const input: LookupInput = { MaxResults: PAGE_SIZE };
  if (q.key && q.value) input.LookupAttributes = [{ AttributeKey: q.key, AttributeValue: q.value }];
  const rel = RANGES.find((r) => r[0] === q.range);
  if (q.range === 'custom') {
    if (q.start) input.StartTime = new Date(q.start).toISOString();
    if (q.end) input.EndTime = new Date(q.end).toISOString();
  } else if (rel && rel[2]) {
    input.StartTime = new Date(Date.now() - rel[2]).toISOString();
  }
  return input;
}

class EventsView {
  private readonly q: Query;
  private readonly input: LookupInput;
  private tokens: (string | undefined)[] = [undefined];
  private page = 0;
  private events: LookupEvent[] = [];
  private live?: AbortController;
  private loadSeq = 0;
  private readonly table = eventsTable('Events, newest first');
  private readonly note = h('div', { class: 'notice-slot', 'aria-live': 'polite' });
  private readonly pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  private readonly liveSwitch = h('input', { type: 'checkbox', role: 'switch', id: 'live-toggle' });

  constructor(private readonly app: App, private readonly main: HTMLElement, url: URL) {
    this.q = readQuery(url);
    this.input = lookupInput(this.q);
    sessionStorage.setItem(LAST_LIST_KEY, url.pathname + url.search);
  }

  render(): void {
    this.liveSwitch.checked = this.q.live;
    const endsInPast = this.q.range === 'custom' && !!this.q.end && new Date(this.q.end).getTime() < Date.now();
    this.liveSwitch.disabled = endsInPast;
    this.liveSwitch.addEventListener('change', () => this.setLive(this.liveSwitch.checked));
    const dl = (kind: 'json' | 'csv') => h('button', { type: 'button', class: 'menu-item', id: `download-${kind}`, onclick: (e: Event) => void this.download(kind, e.currentTarget as HTMLButtonElement) },
      kind === 'json' ? 'JSON' : 'CSV');
    replace(this.main,
      h('div', { class: 'page-head' },
        h('h1', { tabindex: -1 }, 'Event history'),
        h('div', { class: 'head-actions' },
          h('label', { class: 'switch', for: 'live-toggle', title: endsInPast ? 'Live mode needs a time range that includes now' : undefined },
            this.liveSwitch, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), 'Live'),
          h('details', { class: 'menu' }, h('summary', { class: 'btn' }, 'Download'),
            h('div', { class: 'menu-list' }, h('p', { class: 'hint' }, `Events matching the filter, up to ${DOWNLOAD_MAX}`), dl('json'), dl('csv'))))),
      h('p', { class: 'lead' }, 'Management events recorded in ', h('strong', null, this.app.region), ' for account ', h('strong', null, this.app.session.accountId), ', newest first.'),
      this.filterForm(),
      this.note,
      h('div', { class: 'table-wrap' }, this.table.table),
      this.pager);
    if (this.q.live && !endsInPast) this.startLive();
    else void this.load(0);
  }

  stop(): void {
    this.live?.abort();
    this.live = undefined;
    this.loadSeq++;
  }

  private filterForm(): HTMLFormElement {
    const keySel = h('select', { id: 'lookup-key', name: 'key' }, ATTRIBUTES.map(([k, label]) => h('option', { value: k, selected: k === (this.q.key ?? 'EventName') }, label)));
    const list = h('datalist', { id: 'lookup-suggestions' });
    const value = h('input', { id: 'lookup-value', name: 'value', value: this.q.value ?? '', list: 'lookup-suggestions', placeholder: 'Enter a value', autocomplete: 'off', spellcheck: 'false' });
    const suggest = () => replace(list, (SUGGESTIONS[keySel.value] ?? []).map((s) => h('option', { value: s })));
    keySel.addEventListener('change', suggest);
    suggest();
    const range = h('select', { id: 'time-range', name: 'range' }, RANGES.map(([k, label]) => h('option', { value: k, selected: k === this.q.range }, label)));
    const start = h('input', { id: 'range-start', type: 'datetime-local', value: this.q.start ? toLocalInput(new Date(this.q.start)) : '' });
    const end = h('input', { id: 'range-end', type: 'datetime-local', value: this.q.end ? toLocalInput(new Date(this.q.end)) : '' });
    const custom = h('div', { class: 'custom-range', hidden: this.q.range !== 'custom' }, field('From', start), field('To', end));
    range.addEventListener('change', () => {
      custom.hidden = range.value !== 'custom';
      if (!custom.hidden && !start.value) start.value = toLocalInput(new Date(Date.now() - 86_400_000));
    });
    const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter events' },
      h('div', { class: 'filter-row' },
        field('Lookup attribute', keySel), field('Value', value), list, field('Time range', range),
        custom,
        h('div', { class: 'filter-buttons' },
          h('button', { type: 'submit', class: 'btn btn-primary', id: 'apply-filter' }, 'Apply'),
          h('button', { type: 'button', class: 'btn', id: 'clear-filter', onclick: () => this.app.navigate(pageUrl('/console/events', this.app.region, { live: this.q.live ? '1' : undefined })) }, 'Clear'))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const q: Query = { key: keySel.value, value: value.value.trim(), range: range.value, live: this.q.live };
      if (q.range === 'custom') {
        if (!start.value && !end.value) return replace(this.note, status('error', 'Enter a start or an end for the custom range.'));
        q.start = start.value ? new Date(start.value).toISOString() : undefined;
        q.end = end.value ? new Date(end.value).toISOString() : undefined;
        if (q.start && q.end && q.start > q.end) return replace(this.note, status('error', 'The start of the range must be before its end.'));
      }
      this.app.navigate(pageUrl('/console/events', this.app.region, queryParams(q)));
    });
    return form;
  }

  private async load(page: number): Promise<void> {
    const seq = ++this.loadSeq;
    const first = this.events.length === 0;
    if (first) replace(this.table.body, messageRow('Loading events\u2026'));
    this.table.table.setAttribute('aria-busy', 'true');
    try {
      const out = await api.cloudtrail.lookupEvents(this.app.region, { ...this.input, NextToken: this.tokens[page] });
      if (seq !== this.loadSeq) return;
      this.page = page;
      this.tokens[page + 1] = out.NextToken;
      this.tokens.length = page + 2;
      this.events = out.Events ?? [];
      this.drawRows();
      replace(this.note);
      performance.mark('events-rendered');
    } catch (e) {
      if (seq !== this.loadSeq) return;
      replace(this.table.body, messageRow('No events to show.'));
      replace(this.note, status('error', `Could not load events: ${errorText(e)}`));
    } finally {
      if (seq === this.loadSeq) this.table.table.removeAttribute('aria-busy');
    }
  }

  private drawRows(): void {
    const open = (href: string) => this.app.navigate(href);
    replace(this.table.body, this.events.length
      ? this.events.map((e) => eventRow(e, this.app.region, open))
      : messageRow(this.q.value ? 'No events match this filter in this time range.' : 'No events recorded in this time range yet.'));
    this.drawPager();
  }

  private drawPager(): void {
    if (this.live) {
      replace(this.pager, h('span', { class: 'muted' }, 'Live: new events appear at the top as they are recorded.'));
      return;
    }
    const prev = h('button', { type: 'button', class: 'btn', id: 'page-prev', disabled: this.page === 0, onclick: () => void this.load(this.page - 1) }, '\u2039 Previous');
    const next = h('button', { type: 'button', class: 'btn', id: 'page-next', disabled: !this.tokens[this.page + 1], onclick: () => void this.load(this.page + 1) }, 'Next \u203a');
    replace(this.pager, prev, h('span', { class: 'page-no', 'aria-live': 'polite' }, `Page ${this.page + 1}`), next);
  }

  private setLive(on: boolean): void {
    this.q.live = on;
    history.replaceState(null, '', pageUrl('/console/events', this.app.region, queryParams(this.q)));
    sessionStorage.setItem(LAST_LIST_KEY, location.pathname + location.search);
    if (on) this.startLive();
    else {
      this.live?.abort();
      this.live = undefined;
      this.tokens = [undefined];
      void this.load(0);
    }
  }

  private startLive(): void {
    this.live?.abort();
    const ctrl = new AbortController();
    this.live = ctrl;
    this.drawPager();
    void this.liveLoop(ctrl.signal);
  }

  /** Takes the feed's cursor first, then reloads page 1, so nothing recorded in between is missed. */
  private async liveLoop(signal: AbortSignal): Promise<void> {
    const attr = this.q.key && this.q.value ? { key: this.q.key, value: this.q.value } : undefined;
    let cursor: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (cursor === undefined) {
          cursor = (await api.liveEvents(this.app.region, undefined, attr, signal)).cursor;
          this.tokens = [undefined];
          await this.load(0);
          continue;
        }
        const a = await api.liveEvents(this.app.region, cursor, attr, signal);
        if (signal.aborted) return;
        failures = 0;
        if (a.gap) { cursor = undefined; continue; }
        cursor = a.cursor;
        this.addFresh(a.events);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof api.ApiError && (e.code === 'NotSignedIn' || e.status === 403)) {
          replace(this.note, status('error', `Live mode stopped: ${errorText(e)}`));
          this.liveSwitch.checked = false;
          this.live = undefined;
          this.drawPager();
          return;
        }
        failures++;
        replace(this.note, status('info', 'Live updates paused: the server did not answer. Retrying\u2026'));
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** failures)));
        cursor = undefined;
      }
    }
  }

  private addFresh(events: LookupEvent[]): void {
    const shown = new Set(this.events.map((e) => e.EventId));
    const fresh = events.filter((e) => !shown.has(e.EventId));
    if (!fresh.length) return;
    const open = (href: string) => this.app.navigate(href);
    if (!this.events.length) replace(this.table.body);
    this.table.body.prepend(...fresh.map((e) => eventRow(e, this.app.region, open, true)));
    this.events = [...fresh, ...this.events].slice(0, LIVE_MAX_ROWS);
    while (this.table.body.rows.length > LIVE_MAX_ROWS) this.table.body.lastElementChild?.remove();
    replace(this.note, status('info', `${fresh.length} new event${fresh.length === 1 ? '' : 's'} recorded.`));
  }

  /** Every event matching the filter (up to DOWNLOAD_MAX), fetched page by page like the console does. */
  private async download(kind: 'json' | 'csv', button: HTMLButtonElement): Promise<void> {
    await busy(button, 'Preparing\u2026', async () => {
      try {
        const all: LookupEvent[] = [];
        let token: string | undefined;
        do {
          const out = await api.cloudtrail.lookupEvents(this.app.region, { ...this.input, NextToken: token });
          all.push(...(out.Events ?? []));
          token = out.NextToken;
        } while (token && all.length < DOWNLOAD_MAX);
        const events = all.slice(0, DOWNLOAD_MAX);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        if (kind === 'json') download(`event-history-${this.app.region}-${stamp}.json`, 'application/json', eventsAsJson(events));
        else download(`event-history-${this.app.region}-${stamp}.csv`, 'text/csv', eventsAsCsv(events));
        replace(this.note, status('success', `Downloaded ${events.length} event${events.length === 1 ? '' : 's'} as ${kind.toUpperCase()}.`));
      } catch (e) {
        replace(this.note, status('error', `Download failed: ${errorText(e)}`));
      }
    });
    button.closest('details')?.removeAttribute('open');
  }
}

export const eventsPage: Page = (app, main, url) => {
  const view = new EventsView(app, main, url);
  view.render();
  return () => view.stop();
};
