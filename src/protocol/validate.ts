// Checks a parsed input against its model shape (required, length, range, pattern, enum) and
// reports every violation in the AWS "N validation errors detected: ..." message format.
import type { ServiceModel, Shape } from './model.js';
import { AwsError } from './errors.js';

const patternCache = new Map<string, RegExp | null>();

/** Model patterns are Java regexes; the few JS cannot compile are skipped rather than guessed at. */
function compilePattern(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${p})$`, 'u');
    } catch {
      try { re = new RegExp(`^(?:${p})$`); } catch { re = null; }
    }
    patternCache.set(p, re);
  }
  return re;
}

function lowerFirst(s: string): string {
  return s.length ? s[0].toLowerCase() + s.slice(1) : s;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value.length > 200 ? value.slice(0, 200) + '...' : value}'`;
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (Array.isArray(value)) return `'[${value.map((v) => (typeof v === 'object' ? '...' : String(v))).join(', ')}]'`;
  if (typeof value === 'object') return "'{...}'";
  return `'${String(value)}'`;
}

/** Collects constraint violations; `path` uses the lower-camel member names AWS reports. */
export function collectViolations(model: ServiceModel, shape: Shape, value: unknown, path: string, out: string[]): void {
  // A sensitive value (a password, a webhook URL with its token) is never echoed: the message
  // reaches the caller and the CloudTrail record alike. AWS words it the same way ("Value at ...").
  const violate = (constraint: string) =>
    out.push(`Value ${shape.sensitive ? '' : `${describe(value)} `}at '${path}' failed to satisfy constraint: Member must ${constraint}`);
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      for (const req of shape.required ?? []) {
        if (obj[req] === undefined || obj[req] === null) {
          out.push(`Value null at '${join(path, lowerFirst(req))}' failed to satisfy constraint: Member must not be null`);
        }
      }
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = obj[name];
        if (v !== undefined && v !== null) collectViolations(model, model.shape(ref.shape), v, join(path, lowerFirst(name)), out);
      }
      return;
    }
    case 'list': {
      const arr = value as unknown[];
      if (shape.min !== undefined && arr.length < shape.min) violate(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && arr.length > shape.max) violate(`have length less than or equal to ${shape.max}`);
      const itemShape = model.shape(shape.member!.shape);
      arr.forEach((item, i) => collectViolations(model, itemShape, item, `${path}.${i + 1}.member`, out));
      return;
    }
    case 'map': {
      const obj = value as Record<string, unknown>;
      const n = Object.keys(obj).length;
      if (shape.min !== undefined && n < shape.min) violate(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) violate(`have length less than or equal to ${shape.max}`);
      const keyShape = model.shape(shape.key!.shape);
      const valueShape = model.shape(shape.value!.shape);
      for (const [k, v] of Object.entries(obj)) {
        collectViolations(model, keyShape, k, `${path}.${k}.key`, out);
        collectViolations(model, valueShape, v, `${path}.${k}.value`, out);
      }
      return;
    }
    case 'string': {
      const s = value as string;
      // Lengths count code points, as the services' Java validators do for most BMP text.
      const len = s.length;
      if (shape.min !== undefined && len < shape.min) violate(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && len > shape.max) violate(`have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(s)) violate(`satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern) {
        const re = compilePattern(shape.pattern);
        if (re && !re.test(s)) violate(`satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer': case 'long': case 'float': case 'double': {
      const n = value as number;
      // Query strings and headers arrive as text: `1.5` or `abc` for an integer must stop here,
      // not reach a handler (or a database) as a fraction or NaN.
      if (typeof n !== 'number' || !Number.isFinite(n) || ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(n))) {
        violate(shape.type === 'integer' || shape.type === 'long' ? 'be an integer' : 'be a number');
        return;
      }
      if (shape.min !== undefined && n < shape.min) violate(`have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) violate(`have value less than or equal to ${shape.max}`);
      return;
    }
    case 'blob': {
      const b = value as Buffer;
      if (shape.min !== undefined && b.length < shape.min) violate(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && b.length > shape.max) violate(`have length less than or equal to ${shape.max}`);
      return;
    }
    default:
      return;
  }
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Throws the protocol's validation error when the input breaks its shape's constraints. */
export function validateInput(model: ServiceModel, shapeName: string | undefined, input: unknown, errorCode: string): void {
  if (!shapeName) return;
  const out: string[] = [];
  collectViolations(model, model.shape(shapeName), input ?? {}, '', out);
  if (out.length) {
    const head = out.length === 1 ? '1 validation error detected: ' : `${out.length} validation errors detected: `;
    throw new AwsError(errorCode, head + out.join('; '));
  }
}
