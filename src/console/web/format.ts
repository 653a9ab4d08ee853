// Presentation helpers: times, region names, pretty-printed JSON (highlighted with spans, built
// as text nodes), and the CSV/JSON forms of an Event history result.
import type { LookupEvent } from './api.js';
import { h } from './dom.js';

const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)', 'us-east-2': 'US East (Ohio)', 'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)', 'af-south-1': 'Africa (Cape Town)', 'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-south-1': 'Asia Pacific (Mumbai)', 'ap-south-2': 'Asia Pacific (Hyderabad)', 'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)', 'ap-northeast-3': 'Asia Pacific (Osaka)', 'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)', 'ap-southeast-3': 'Asia Pacific (Jakarta)', 'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ca-central-1': 'Canada (Central)', 'ca-west-1': 'Canada West (Calgary)', 'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)', 'eu-west-1': 'Europe (Ireland)', 'eu-west-2': 'Europe (London)', 'eu-west-3': 'Europe (Paris)',
  'eu-north-1': 'Europe (Stockholm)', 'eu-south-1': 'Europe (Milan)', 'eu-south-2': 'Europe (Spain)',
  'il-central-1': 'Israel (Tel Aviv)', 'me-south-1': 'Middle East (Bahrain)', 'me-central-1': 'Middle East (UAE)',
  'sa-east-1': 'South America (São Paulo)',
};

export function regionLabel(code: string): string {
  const name = REGION_NAMES[code];
  return name ? `${code} \u00b7 ${name}` : code;
}

/** The reader's time zone as an offset label: `UTC`, `UTC+02:00`. */
export function zoneLabel(d = new Date()): string {
  const off = -d.getTimezoneOffset();
  if (off === 0) return 'UTC';
  const a = Math.abs(off);
  return `UTC${off > 0 ? '+' : '-'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** `2026-11-24 10:06:37` in the reader's time zone (compact, sortable, the same width on every row). */
export function formatTime(iso: string | undefined, withZone = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return withZone ? `${text} ${zoneLabel(d)}` : text;
}

/** A timestamp in the reader's time zone; the exact UTC time goes into the title. */
export function timeCell(iso: string | undefined, withZone = true): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, formatTime(iso, withZone));
}

/** `2025-01-31T14:05` for a datetime-local input, in local time. */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false)\b|\b(null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** JSON.stringify(v, null, 2) with keys, strings, numbers and literals in classed spans. */
export function jsonView(value: unknown): HTMLElement {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const pre = h('pre', { class: 'json', tabindex: 0 });
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const i = m.index ?? 0;
    if (i > last) pre.appendChild(document.createTextNode(text.slice(last, i)));
    const cls = m[1] ? (m[2] ? 'k' : 's') : m[3] ? 'b' : m[4] ? 'n' : 'd';
    pre.appendChild(h('span', { class: `j-${cls}` }, m[1] ?? m[0]));
    if (m[2]) pre.appendChild(document.createTextNode(m[2]));
    last = i + m[0].length;
  }
  if (last < text.length) pre.appendChild(document.createTextNode(text.slice(last)));
  return pre;
}

export function parseRecord(e: LookupEvent): Record<string, unknown> {
  try {
    return JSON.parse(e.CloudTrailEvent) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The download CloudTrail's console offers: `{"Records": [...]}`. */
export function eventsAsJson(events: LookupEvent[]): string {
  return JSON.stringify({ Records: events.map(parseRecord) }, null, 2);
}

/** Spreadsheets run cells starting with = + - @ as formulas: quote those (CSV injection). */
function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function eventsAsCsv(events: LookupEvent[]): string {
  const head = ['Event ID', 'Event time', 'User name', 'Event name', 'Event source', 'Resource type', 'Resource name', 'AWS access key', 'AWS region', 'Error code', 'Source IP address', 'Read-only'];
  const rows = events.map((e) => {
    const r = parseRecord(e);
    return [
      e.EventId, e.EventTime, e.Username, e.EventName, e.EventSource,
      (e.Resources ?? []).map((x) => x.ResourceType).join('; '), (e.Resources ?? []).map((x) => x.ResourceName).join('; '),
      e.AccessKeyId, r.awsRegion, r.errorCode, r.sourceIPAddress, e.ReadOnly,
    ].map(csvCell).join(',');
  });
  return [head.join(','), ...rows].join('\r\n') + '\r\n';
}

/**
 * A chat answer as Slack would show it: ``` blocks as code, *bold* and `code` inline, line breaks
 * kept. Only these few marks; everything else stays plain text.
 */
export function slackText(text: string): HTMLElement {
  const box = h('div', { class: 'slack-text' });
  text.split('```').forEach((part, i) => {
    if (i % 2 === 1) { box.appendChild(h('pre', { class: 'slack-code' }, part.replace(/^\n/, ''))); return; }
    const p = h('p');
    for (const m of part.matchAll(/\*([^*\n]+)\*|`([^`\n]+)`|([^*`]+|[*`])/g)) {
      p.appendChild(m[1] !== undefined ? h('strong', null, m[1]) : m[2] !== undefined ? h('code', null, m[2]) : document.createTextNode(m[3]));
    }
    if (part.trim()) box.appendChild(p);
  });
  return box;
}
