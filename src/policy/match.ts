// Wildcard matching for policy patterns: actions (case-insensitive), ARNs (segment-aware, as IAM
// matches Resource and ArnLike), and StringLike values. Each distinct pattern is compiled once into
// a literal or a RegExp and kept in a bounded cache, since these run for every statement of every request.

/** `action`: `*`/`?` span anything, case-insensitive. `string`: same, case-sensitive (StringLike).
 * `arn`: case-sensitive, and a wildcard stays inside its ARN segment except in the resource part. */
type GlobKind = 'action' | 'string' | 'arn';

/** A pattern without wildcards is kept as its literal text: a string compare beats a RegExp. */
type Matcher = string | RegExp;

/** Enough for every distinct pattern a large deployment's policies hold; past it, the oldest entry
 * goes first (Map keeps insertion order), so a flood of per-user substituted patterns cannot grow memory. */
const CACHE_LIMIT = 5000;

class BoundedCache {
  private readonly entries = new Map<string, Matcher>();
  get(key: string): Matcher | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: Matcher): void {
    if (this.entries.size >= CACHE_LIMIT) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
  get size(): number {
    return this.entries.size;
  }
}

/** One cache per (kind, escaped) so lookups need no composite key string. */
const caches = {
  action: new BoundedCache(),
  string: new BoundedCache(),
  arn: new BoundedCache(),
  stringEscaped: new BoundedCache(),
  arnEscaped: new BoundedCache(),
};

/** `iam:Create*` matches `iam:CreateUser` and `IAM:createuser`. */
export function actionMatches(pattern: string, action: string): boolean {
  const matcher = compiled(caches.action, 'action', pattern, false);
  return typeof matcher === 'string' ? equalsIgnoreCase(matcher, action) : matcher.test(action);
}

/** Resource element matching: `*` alone matches anything, including a non-ARN resource like `*`. */
export function resourceMatches(pattern: string, arn: string): boolean {
  return arnMatches(pattern, arn, false);
}

/** `escaped`: the pattern came out of policy-variable substitution, where `\` quotes the next
 * character, so `${*}` and substituted values stay literal instead of becoming wildcards. */
export function arnMatches(pattern: string, arn: string, escaped: boolean): boolean {
  if (pattern === '*') return true;
  const matcher = compiled(escaped ? caches.arnEscaped : caches.arn, 'arn', pattern, escaped);
  return typeof matcher === 'string' ? matcher === arn : matcher.test(arn);
}

/** StringLike: case-sensitive, `*` and `?` match any characters, newlines included. */
export function stringMatches(pattern: string, value: string, escaped: boolean): boolean {
  const matcher = compiled(escaped ? caches.stringEscaped : caches.string, 'string', pattern, escaped);
  return typeof matcher === 'string' ? matcher === value : matcher.test(value);
}

export function equalsIgnoreCase(a: string, b: string): boolean {
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}

/** For tests: how many patterns a cache holds, to prove it stays bounded. */
export function cachedPatternCount(kind: keyof typeof caches): number {
  return caches[kind].size;
}

export const PATTERN_CACHE_LIMIT = CACHE_LIMIT;

function compiled(cache: BoundedCache, kind: GlobKind, pattern: string, escaped: boolean): Matcher {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = compile(kind, pattern, escaped);
    cache.set(pattern, matcher);
  }
  return matcher;
}

function compile(kind: GlobKind, pattern: string, escaped: boolean): Matcher {
  // ARN segments are the first five colon-separated parts; a shorter pattern's last part is
  // treated as the resource part so `arn:aws:iam::*` still reads as "anything in IAM".
  const segmentLimit = kind === 'arn' && pattern.startsWith('arn:') ? Math.min(5, countColons(pattern, escaped)) : 0;
  let source = '';
  let literal = '';
  let wild = false;
  let colons = 0;
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern.charAt(i);
    if (escaped && c === '\\' && i + 1 < pattern.length) c = pattern.charAt(++i);
    else if (c === '*' || c === '?') {
      wild = true;
      const any = colons < segmentLimit ? '[^:]' : '.';
      source += c === '*' ? `${any}*` : any;
      continue;
    } else if (c === ':') colons++;
    source += escapeRegExp(c);
    literal += c;
  }
  if (!wild) return literal;
  return new RegExp(`^${source}$`, kind === 'action' ? 'is' : 's');
}

function countColons(pattern: string, escaped: boolean): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (escaped && c === '\\') i++;
    else if (c === ':') count++;
  }
  return count;
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
