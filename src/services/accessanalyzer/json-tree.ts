// A JSON parser that keeps where every value sits in the text, so policy findings can point at it
// (Access Analyzer's `locations`: a path through the document and a span of line/column/offset).
// JSON.parse gives neither positions nor the offset of a syntax error.

export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number }
  | { kind: 'boolean'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number; value: null };

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

export interface Position { line: number; column: number; offset: number }

/** Line from 1, column and offset from 0, as Access Analyzer's `Position` counts them. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') { line++; lineStart = i + 1; }
  return { line, column: offset - lineStart, offset };
}

export function parseJsonTree(text: string): JsonNode {
  const p = new Parser(text);
  const node = p.value();
  p.space();
  if (p.i < text.length) throw new JsonSyntaxError(p.i, 'unexpected text after the document');
  return node;
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  space(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  value(): JsonNode {
    this.space();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') { const start = this.i; return { kind: 'string', value: this.string(), start, end: this.i }; }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        const start = this.i;
        this.i += word.length;
        return value === null ? { kind: 'null', value, start, end: this.i } : { kind: 'boolean', value, start, end: this.i };
      }
    }
    throw new JsonSyntaxError(this.i, 'expected a value');
  }

  private object(): JsonNode {
    const start = this.i++;
    const entries: JsonEntry[] = [];
    this.space();
    if (this.s[this.i] === '}') { this.i++; return { kind: 'object', entries, start, end: this.i }; }
    for (;;) {
      this.space();
      if (this.s[this.i] !== '"') throw new JsonSyntaxError(this.i, 'expected a key');
      const keyStart = this.i;
      const key = this.string();
      const keyEnd = this.i;
      this.space();
      if (this.s[this.i] !== ':') throw new JsonSyntaxError(this.i, "expected ':'");
      this.i++;
      entries.push({ key, keyStart, keyEnd, value: this.value() });
      this.space();
      const c = this.s[this.i++];
      if (c === '}') return { kind: 'object', entries, start, end: this.i };
      if (c !== ',') throw new JsonSyntaxError(this.i - 1, "expected ',' or '}'");
    }
  }

  private array(): JsonNode {
    const start = this.i++;
    const items: JsonNode[] = [];
    this.space();
    if (this.s[this.i] === ']') { this.i++; return { kind: 'array', items, start, end: this.i }; }
    for (;;) {
      items.push(this.value());
      this.space();
      const c = this.s[this.i++];
      if (c === ']') return { kind: 'array', items, start, end: this.i };
      if (c !== ',') throw new JsonSyntaxError(this.i - 1, "expected ',' or ']'");
    }
  }

  private string(): string {
    const start = this.i++;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '\\') { this.i++; continue; }
      if (c === '"') break;
      if (c < ' ') throw new JsonSyntaxError(this.i, 'control character in a string');
    }
    if (this.i >= this.s.length) throw new JsonSyntaxError(this.s.length, 'unterminated string');
    this.i++;
    try {
      return JSON.parse(this.s.slice(start, this.i)) as string;
    } catch {
      throw new JsonSyntaxError(start, 'invalid escape in a string');
    }
  }

  private number(): JsonNode {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (!m) throw new JsonSyntaxError(this.i, 'invalid number');
    const start = this.i;
    this.i += m[0].length;
    return { kind: 'number', value: Number(m[0]), start, end: this.i };
  }
}
