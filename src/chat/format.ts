// Turns an API result into a Slack message people can read: a narrow table for lists, indented
// `Key: value` lines for objects, JSON in a code block when asked; long or elided answers say how
// much was left out and attach the full result as a file.
export const MAX_MESSAGE_CHARS = 3500;
export const MAX_ROWS = 25;
/** Slack wraps code blocks at roughly this many characters on a laptop screen; wider tables turn to mush. */
export const MAX_TABLE_WIDTH = 80;
const MAX_CELL = 60;
const PREFERRED_COLUMNS = ['Name', 'InstanceId', 'InstanceType', 'AlarmName', 'StateValue', 'logGroupName', 'clusterName', 'KeyId', 'ConfigurationName', 'FunctionName', 'UserName', 'RoleName', 'GroupName', 'PolicyName', 'TopicArn', 'EventName', 'EventTime',
  'Username', 'EventSource', 'Arn', 'Id', 'State', 'Status', 'Runtime', 'LastModified', 'CreateDate', 'CreationDate'];
/** Output members that only say "there is another page"; the token members are turned into a hint instead. */
const PAGE_FLAGS = new Set(['IsTruncated', 'Truncated']);
const PAGE_TOKENS: Record<string, string> = { NextToken: '--next-token', nextToken: '--next-token', Marker: '--marker', NextMarker: '--marker', NextPageToken: '--page-token' };

export interface FormattedResult {
  text: string;
  /** Set when anything was left out of the text: the whole result as pretty JSON, to attach as a file. */
  attachment?: { filename: string; content: string };
}

/** IAM returns policy documents URL-encoded; the AWS CLI shows them decoded, and so do we. */
function decodePolicy(s: string): unknown {
  if (!/^%7B/i.test(s)) return s;
  try { return JSON.parse(decodeURIComponent(s)) as unknown; } catch { return s; }
}

export function toPlainJson(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  if (typeof v === 'string') return decodePolicy(v);
  if (Array.isArray(v)) return v.map(toPlainJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toPlainJson(x)]));
  return v;
}

/** `2026-01-02T03:04:05.000Z` → `2026-01-02T03:04:05Z`: the milliseconds are always zero and cost table width. */
function shortTime(s: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(s) ? `${s.slice(0, 19)}Z` : s;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : shortTime(String(v));
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 3)}...` : s;
}

function rank(key: string): number {
  const i = PREFERRED_COLUMNS.indexOf(key);
  return i < 0 ? 100 : i;
}

/** Columns by preference, as many as fit MAX_TABLE_WIDTH (at least one, at most four). */
function table(rows: Record<string, unknown>[]): string {
  const keys = new Set<string>();
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (v === null || typeof v !== 'object') keys.add(k);
  const candidates = [...keys].sort((a, b) => rank(a) - rank(b));
  if (!candidates.length) return rows.map((r) => JSON.stringify(r)).join('\n');
  const columns: { key: string; width: number }[] = [];
  let used = 0;
  for (const key of candidates) {
    if (columns.length === 4) break;
    const width = Math.max(key.length, ...rows.map((r) => cell(r[key]).length));
    const extra = width + (columns.length ? 2 : 0);
    if (columns.length && used + extra > MAX_TABLE_WIDTH) continue;
    columns.push({ key, width });
    used += extra;
  }
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(columns[i].width)).join('  ').trimEnd();
  return [line(columns.map((c) => c.key)), line(columns.map((c) => '-'.repeat(c.width))), ...rows.map((r) => line(columns.map((c) => cell(r[c.key]))))].join('\n');
}

/** Nested values as indented `Key: value` lines, the way people read a `describe` answer. */
export function outline(v: unknown, indent = ''): string[] {
  if (v === null || typeof v !== 'object') return [`${indent}${cell(v)}`];
  const out: string[] = [];
  const entries: [string, unknown][] = Array.isArray(v) ? v.map((x) => ['-', x]) : Object.entries(v);
  for (const [k, x] of entries) {
    const label = k === '-' ? `${indent}- ` : `${indent}${k}: `;
    if (x === null || typeof x !== 'object') out.push(`${label}${x === null ? '' : shortTime(String(x))}`);
    else if (Array.isArray(x) && x.every((i) => i === null || typeof i !== 'object')) out.push(`${label}${x.length ? x.map(String).join(', ') : '(none)'}`);
    else if (!Array.isArray(x) && !Object.keys(x).length) continue;
    else if (k === '-' && !Array.isArray(x)) {
      // A list item that is an object: its first key on the dash line, the rest aligned under it.
      const inner = outline(x, `${indent}  `);
      out.push(`${label}${inner[0].trimStart()}`, ...inner.slice(1));
    } else out.push(`${label.trimEnd()}`, ...outline(x, `${indent}  `));
  }
  return out;
}

/** `trailList` → `trails`, `SlackChannelConfigurations` → `slack channel configurations`; singular for one. */
export function countLabel(member: string, n: number): string {
  const base = member.endsWith('List') ? `${member.slice(0, -4)}s` : member;
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  if (n !== 1) return `${n} ${words}`;
  return `1 ${words.endsWith('ies') ? `${words.slice(0, -3)}y` : words.replace(/s$/, '')}`;
}

/** Lists whose items only group the list people asked for: EC2's Reservations of Instances. */
const GROUPED_LISTS: Record<string, string> = { Reservations: 'Instances' };

/** The rows of a list: the grouped items themselves where the list only groups them. */
function unwrapGroups(name: string, list: unknown[]): [string, unknown[]] {
  const inner = GROUPED_LISTS[name];
  if (!inner || !list.every((x) => x && typeof x === 'object' && Array.isArray((x as Record<string, unknown>)[inner]))) return [name, list];
  return [inner, list.flatMap((x) => (x as Record<string, unknown[]>)[inner])];
}

/** "There is more": the CLI option that fetches the next page, with its token. */
function pageHint(plain: Record<string, unknown>): string | undefined {
  for (const [k, flag] of Object.entries(PAGE_TOKENS)) {
    const token = plain[k];
    if (typeof token === 'string' && token) return `_More results: add_ \`${flag} ${token}\``;
  }
  return undefined;
}

/** Formats `output` of `title` (e.g. "lambda list-functions (us-west-2)"). */
export function formatResult(title: string, output: Record<string, unknown>, mode: 'text' | 'json'): FormattedResult {
  const plain = toPlainJson(output) as Record<string, unknown>;
  delete plain.ResponseMetadata;
  const full = JSON.stringify(plain, null, 2);
  const notes: string[] = [];
  let body: string;
  let elided = false;
  if (mode === 'json') {
    body = full;
  } else {
    const hint = pageHint(plain);
    const rest = Object.fromEntries(Object.entries(plain).filter(([k]) => !PAGE_FLAGS.has(k) && !(hint && k in PAGE_TOKENS)));
    const lists = Object.entries(rest).filter(([, v]) => Array.isArray(v)) as [string, unknown[]][];
    // The list with something in it (DescribeAlarms answers MetricAlarms and CompositeAlarms).
    const listEntry = lists.find(([, v]) => v.length > 0) ?? lists[0];
    if (listEntry) {
      const [name, list] = unwrapGroups(...listEntry);
      const rows = list.slice(0, MAX_ROWS).map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? x as Record<string, unknown> : { [name]: x }));
      const others = Object.entries(rest).filter(([k, v]) => k !== name && (v === null || typeof v !== 'object'));
      body = list.length === 0 ? `(no ${countLabel(name, 2).slice(2)})` : table(rows);
      if (others.length) body += `\n${others.map(([k, v]) => `${k}: ${cell(v)}`).join('\n')}`;
      title = `${title}: ${countLabel(name, list.length)}`;
      if (list.length > MAX_ROWS) {
        elided = true;
        notes.push(`_Showing ${MAX_ROWS} of ${list.length}. The full result is attached._`);
      }
    } else {
      body = Object.keys(rest).length ? outline(rest).join('\n') : 'Done.';
    }
    if (hint) notes.push(hint);
  }
  const attachment = { filename: `${title.replace(/:.*$/, '').replace(/[^\w.-]+/g, '-').replace(/-+$/, '').slice(0, 60)}.json`, content: full };
  const text = [`*${title}*\n\`\`\`${body}\`\`\``, ...notes].join('\n');
  if (text.length <= MAX_MESSAGE_CHARS) return elided ? { text, attachment } : { text };
  // Cut at a line boundary so no row or value is shown half.
  const lines = body.split('\n');
  const budget = MAX_MESSAGE_CHARS - title.length - 300;
  let kept = 0;
  for (let size = 0; kept < lines.length && size + lines[kept].length + 1 < budget; kept++) size += lines[kept].length + 1;
  const cut = lines.slice(0, Math.max(kept, 1)).join('\n').slice(0, budget);
  const more = `_Truncated: ${lines.length - kept} more lines. The full result is attached._`;
  return { text: [`*${title}*\n\`\`\`${cut}\`\`\``, more, ...notes.filter((n) => !n.startsWith('_Showing'))].join('\n'), attachment };
}
