// How documents are stored as text, shared by every DocumentStore backend so a document reads
// back identically whichever database holds it: JSON, with Dates kept as tagged strings.

const DATE_TAG = '\u0000date:';

function reviveDates(_k: string, v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith(DATE_TAG)) return new Date(v.slice(DATE_TAG.length));
  return v;
}

export function encodeDocument(doc: unknown): string {
  return JSON.stringify(doc, function (this: Record<string, unknown>, k, v) {
    const raw = this[k];
    return raw instanceof Date ? `${DATE_TAG}${raw.toISOString()}` : v;
  });
}

export function decodeDocument<T>(text: string): T {
  return JSON.parse(text, reviveDates) as T;
}
