// The AWS CLI's shorthand syntax for structured parameters (`Key=env,Value=prod`,
// `Variables={A=1,B=2}`, `Names=[a,b]`), parsed into plain values that the model shapes then type.
export type ShorthandValue = string | ShorthandValue[] | { [k: string]: ShorthandValue };

export class ShorthandError extends Error {}

export function parseShorthand(text: string): { [k: string]: ShorthandValue } {
  const p = new Parser(text);
  const out = p.structBody(undefined);
  if (!p.done()) throw new ShorthandError(`Unexpected '${text.slice(p.pos)}' in shorthand '${text}'`);
  return out;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  done(): boolean { return this.pos >= this.s.length; }

  private peek(): string { return this.s[this.pos] ?? ''; }

  /** key=value pairs separated by commas, until `end` (or the end of input). */
  structBody(end: string | undefined): { [k: string]: ShorthandValue } {
    const out: { [k: string]: ShorthandValue } = {};
    while (!this.done() && this.peek() !== end) {
      const key = this.key();
      out[key] = this.value(end);
      if (this.peek() === ',') this.pos++;
    }
    return out;
  }

  private key(): string {
    const m = /^\s*([A-Za-z0-9_.\-:/]+)\s*=/.exec(this.s.slice(this.pos));
    if (!m) throw new ShorthandError(`Expected key=value at '${this.s.slice(this.pos)}'`);
    this.pos += m[0].length;
    return m[1];
  }

  private value(end: string | undefined): ShorthandValue {
    const c = this.peek();
    if (c === '{') {
      this.pos++;
      const v = this.structBody('}');
      this.expect('}');
      return v;
    }
    if (c === '[') {
      this.pos++;
      const items: ShorthandValue[] = [];
      while (!this.done() && this.peek() !== ']') {
        items.push(this.peek() === '{' ? this.value(']') : this.scalar([',', ']']));
        if (this.peek() === ',') this.pos++;
      }
      this.expect(']');
      return items;
    }
    // A bare value runs to the next comma that starts another key=, or the closing bracket.
    const stops = end ? [',', end] : [','];
    let v = this.scalar(stops);
    while (this.peek() === ',' && !/^,\s*[A-Za-z0-9_.\-:/]+\s*=/.test(this.s.slice(this.pos)) && end === undefined) {
      this.pos++;
      v += ',' + this.scalar(stops);
    }
    return v;
  }

  private scalar(stops: string[]): string {
    const c = this.peek();
    if (c === '"' || c === "'") {
      const close = this.s.indexOf(c, this.pos + 1);
      if (close < 0) throw new ShorthandError(`Unterminated quote in '${this.s}'`);
      const v = this.s.slice(this.pos + 1, close);
      this.pos = close + 1;
      return v;
    }
    let v = '';
    while (!this.done() && !stops.includes(this.peek())) v += this.s[this.pos++];
    return v.trim();
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new ShorthandError(`Expected '${c}' in shorthand '${this.s}'`);
    this.pos++;
  }
}
