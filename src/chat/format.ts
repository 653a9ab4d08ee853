// Turns an API result into a Slack message people can read: a table for lists, a short summary for
// objects, JSON in a code block when asked; long answers are cut with a count and the full result
// attached as a file.
export const MAX_MESSAGE_CHARS = 3500;
const MAX_ROWS = 25;
const PREFERRED_COLUMNS = ['Name', 'FunctionName', 'UserName', 'RoleName', 'TopicArn', 'Arn', 'Id', 'State', 'Status', 'Runtime', 'LastModified', 'CreateDate', 'CreationDate', 'EventName', 'EventTime', 'Username'];

export interface FormattedResult {
  text: string;
  /** Set when the text was cut: the whole result as pretty JSON, to attach as a file. */
  attachment?: { filename: string; content: string };
}

export function toPlainJson(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return v.map(toPlainJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toPlainJson(x)]));
  return v;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function table(rows: Record<string, unknown>[]): string {
  const keys = new Set<string>();
  for (const r of rows.slice(0, MAX_ROWS)) for (const [k, v] of Object.entries(r)) if (v === null || typeof v !== 'object') keys.add(k);
  const columns = [...keys].sort((a, b) => rank(a) - rank(b)).slice(0, 4);
  if (!columns.length) return rows.map((r) => JSON.stringify(r)).join('\n');
  const shown = rows.slice(0, MAX_ROWS).map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...shown.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...shown.map(line)].join('\n');
}

function rank(key: string): number {
  const i = PREFERRED_COLUMNS.indexOf(key);
  return i < 0 ? 100 : i;
}

/** Formats `output` of `title` (e.g. "lambda list-functions (us-west-2)"). */
export function formatResult(title: string, output: Record<string, unknown>, mode: 'text' | 'json'): FormattedResult {
  const plain = toPlainJson(output) as Record<string, unknown>;
  delete plain.ResponseMetadata;
  const full = JSON.stringify(plain, null, 2);
  let body: string;
  if (mode === 'json') {
    body = full;
  } else {
    const listEntry = Object.entries(plain).find(([, v]) => Array.isArray(v));
    if (listEntry) {
      const [name, list] = listEntry as [string, unknown[]];
      const rows = list.map((x) => (x && typeof x === 'object' ? x as Record<string, unknown> : { [name]: x }));
      const more = list.length > MAX_ROWS ? `\n... and ${list.length - MAX_ROWS} more` : '';
      const others = Object.entries(plain).filter(([k, v]) => k !== name && (v === null || typeof v !== 'object'));
      body = list.length === 0 ? `(no ${name})` : `${table(rows)}${more}`;
      if (others.length) body += `\n${others.map(([k, v]) => `${k}: ${cell(v)}`).join('\n')}`;
      title = `${title}: ${list.length} ${name}`;
    } else {
      const entries = Object.entries(plain);
      body = entries.length ? entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n') : 'Done.';
    }
  }
  const text = `*${title}*\n\`\`\`${body}\`\`\``;
  if (text.length <= MAX_MESSAGE_CHARS) return { text };
  const cut = body.slice(0, MAX_MESSAGE_CHARS - title.length - 200);
  const hiddenLines = body.slice(cut.length).split('\n').length;
  return {
    text: `*${title}*\n\`\`\`${cut}\`\`\`\n_Truncated: ${hiddenLines} more lines. The full result is attached._`,
    attachment: { filename: `${title.replace(/[^\w.-]+/g, '-').slice(0, 60)}.json`, content: full },
  };
}
