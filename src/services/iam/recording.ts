// How CloudTrail logs IAM: recorded in us-east-1 whatever the signed region; responseElements of
// writes in camelCase with IAM's own date format ("Aug 1, 2024 1:33:28 PM", unlike STS), secrets
// left out (the secret access key, passwords) and policy documents as URL-encoded as IAM returns them.
import { loadModel, type Shape } from '../../protocol/model.js';
import { isReadOnly } from '../../records/record.js';
import { pinnedRegion } from '../../records/regions.js';
import type { RecordingRules } from '../../records/rules.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EVENT_SOURCE = 'iam.amazonaws.com';

/** `MMM d, yyyy h:mm:ss a` in UTC: the Java rendering IAM records carry (no comma after the year). */
export function formatIamDate(d: Date): string {
  const h = d.getUTCHours();
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 || 12}:${mm}:${ss} ${h >= 12 ? 'PM' : 'AM'}`;
}

/** Members CloudTrail never shows, not even masked (CreateLoginProfile's password is simply absent). */
const OMITTED = ['Password', 'OldPassword', 'NewPassword', 'SecretAccessKey'];

const model = loadModel('iam');

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}

/** An output value as IAM's records show it, walked by its model shape. */
function logged(shape: Shape, v: unknown): unknown {
  if (v === undefined || v === null || shape.sensitive) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (OMITTED.includes(name)) continue;
        let x = logged(model.shape(ref.shape), (v as Record<string, unknown>)[name]);
        // The API says `PermissionsBoundaryPolicy`; IAM's records say `Policy`.
        if (name === 'PermissionsBoundaryType' && x === 'PermissionsBoundaryPolicy') x = 'Policy';
        if (x !== undefined) out[lowerFirst(name)] = x;
      }
      return out;
    }
    case 'list':
      return (v as unknown[]).map((x) => logged(model.shape(shape.member!.shape), x) ?? null);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = logged(model.shape(shape.value!.shape), x);
      return out;
    }
    case 'timestamp':
      return formatIamDate(v as Date);
    case 'blob':
      return undefined;
    default:
      return v;
  }
}

/** responseElements for every IAM write that has output; reads keep the recorder's null. */
function responseOverrides(): Record<string, (output: Record<string, unknown>) => unknown> {
  const rules: RecordingRules = { eventSource: EVENT_SOURCE };
  const out: Record<string, (output: Record<string, unknown>) => unknown> = {};
  for (const [name, op] of model.operations) {
    const shapeName = op.output?.shape;
    if (!shapeName || isReadOnly(name, rules)) continue;
    out[name] = (output) => {
      const v = logged(model.shape(shapeName), output) as Record<string, unknown> | undefined;
      return v && Object.keys(v).length ? v : null;
    };
  }
  return out;
}

export const iamRecording: RecordingRules = {
  eventSource: EVENT_SOURCE,
  globalRegion: pinnedRegion(EVENT_SOURCE),
  // Real IAM records carry no `resources`; Event history still lists them (stored beside the record).
  resourcesInRecord: false,
  redact: OMITTED,
  responseElements: responseOverrides(),
};
