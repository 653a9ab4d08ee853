// The AWS CLI's names for operations and parameters (`ListFunctions` → `list-functions`,
// `FunctionName` → `--function-name`), computed exactly as botocore's xform_name does, so chat
// commands read like the CLI commands users already know.
const SPECIAL_PLURAL = /[A-Z]{2,}s$/;
const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;

export function cliName(name: string): string {
  let n = name;
  const special = SPECIAL_PLURAL.exec(n);
  // `ListARNs` → `list-arns`, not `list-ar-ns`.
  if (special) n = `${n.slice(0, -special[0].length)}-${special[0].toLowerCase()}`;
  return n.replace(FIRST_CAP, '$1-$2').replace(END_CAP, '$1-$2').toLowerCase();
}

/** The CLI's service command names that differ from the model folder names. */
export const CLI_SERVICE_NAMES: Record<string, string> = { s3api: 's3' };

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Up to three candidates close to `word`, closest first. */
export function suggest(word: string, candidates: Iterable<string>): string[] {
  const scored = [...candidates].map((c) => ({ c, d: c.startsWith(word) || word.startsWith(c) ? 1 : editDistance(word, c) }));
  const limit = Math.max(2, Math.floor(word.length / 3));
  return scored.filter((s) => s.d <= limit).sort((x, y) => x.d - y.d || x.c.localeCompare(y.c)).slice(0, 3).map((s) => s.c);
}
