// Explains a refused chat command: which layer refused it (the role's policies, a permissions
// boundary, the channel's guardrails, an organization's SCP or RCP, the resource's own policy) and,
// where chattrail holds the policies, which one and which statement, so the channel knows who can change it.
import type { IamRole } from '../identity/store.js';
import { parsePolicyDocument, type PolicyDocument, type Statement } from '../policy/document.js';
import { evaluateLayers, type AuthorizationRequest } from '../policy/evaluate.js';
import { deniedHint } from './denials.js';

/** Where the explainer reads policies: no API call, no record (AWS Chatbot's own reading). */
export interface PolicySource {
  getRole(accountId: string, roleName: string): Promise<IamRole | undefined>;
  managedPolicy(accountId: string, arn: string): Promise<PolicyDocument | undefined>;
}

/** What the command ran with. */
export interface DenialContext {
  roleArn: string;
  /** The user's own linked role (user authorization), not the channel's. */
  usersOwnRole: boolean;
  configurationArn: string;
  guardrailPolicyArns: string[];
  region: string;
  now: Date;
}

/** An AccessDenied message read back: who, what, and the layer AWS's words name. */
export interface ReadDenial {
  principalArn: string;
  action: string;
  resource: string;
  explicit: boolean;
  layer: 'identity' | 'boundary' | 'session' | 'scp' | 'rcp' | 'resource' | 'unknown';
  /** The policy ARN AWS appends to explicit denials ("...: arn:aws:..."), when it does. */
  policyArn?: string;
}

const LAYER_WORDS: [RegExp, ReadDenial['layer']][] = [
  [/identity-based policy/, 'identity'], [/permissions boundary/, 'boundary'], [/session policy/, 'session'],
  [/service control policy/, 'scp'], [/resource control policy/, 'rcp'], [/resource-based policy/, 'resource'],
];

/** Reads "User: X is not authorized to perform: A on resource: R with an explicit deny in ..." (or "because no ... allows"). */
export function readDenial(message: string): ReadDenial | undefined {
  const m = /^User: (\S+) is not authorized to perform: (\S+) on resource: (\S+)(?: (with an explicit deny in|because no) (.+?))?\.?$/.exec(message.trim());
  if (!m) return undefined;
  const explicit = m[4] === 'with an explicit deny in';
  const tail = m[5] ?? '';
  const layer = LAYER_WORDS.find(([re]) => re.test(tail))?.[1] ?? 'unknown';
  const arn = explicit ? /:\s*(arn:\S+)$/.exec(tail)?.[1] : undefined;
  return { principalArn: m[1], action: m[2], resource: m[3], explicit, layer, policyArn: arn };
}

interface NamedPolicy { name: string; doc: PolicyDocument }

/** The statement of `policies` that denies the request, by policy: the first explicit Deny found. */
function denyingPolicy(req: AuthorizationRequest, policies: NamedPolicy[]): { name: string; statement?: Statement } | undefined {
  for (const p of policies) {
    const r = evaluateLayers(req, [{ kind: 'x', policies: [p.doc] }]);
    if (r.decision === 'ExplicitDeny') return { name: p.name, statement: r.matchedStatement };
  }
  return undefined;
}

const sid = (s?: Statement) => (s?.Sid ? ` (statement \`${s.Sid}\`)` : '');
const line = (text: string) => `\n_${text}_`;

/**
 * The line a refusal ends with. Implicit denials by the role or the guardrails keep the words
 * `deniedHint` has always used; explicit ones name the policy and statement that denied.
 */
export async function explainDenial(error: { code: string; message: string }, ctx: DenialContext, source: PolicySource): Promise<string> {
  const fallback = deniedHint(error, ctx.guardrailPolicyArns.length > 0);
  if (!fallback) return '';
  const d = readDenial(error.message);
  if (!d) return fallback;
  const role = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(ctx.roleArn);
  const whose = ctx.usersOwnRole ? 'your' : "the channel's";
  const roleName = role?.[2] ?? ctx.roleArn;
  // A denial naming someone else (the console's signed-in user) is not the role's to explain.
  if (!role || !d.principalArn.startsWith(`arn:aws:sts::${role[1]}:assumed-role/${roleName}/`)) return fallback;
  const req: AuthorizationRequest = {
    action: d.action, resource: d.resource,
    principal: { arn: d.principalArn, accountId: role[1], type: 'AssumedRole' },
    // The keys every chat call carries (executor.ts, pipeline's conditionContext): enough for the usual conditions.
    context: {
      'aws:ChatbotSourceArn': ctx.configurationArn, 'aws:RequestedRegion': ctx.region, 'aws:ViaAWSService': 'true',
      'aws:SecureTransport': 'false', 'aws:CurrentTime': ctx.now.toISOString(), 'aws:EpochTime': String(Math.floor(ctx.now.getTime() / 1000)),
    },
  };
  switch (d.layer) {
    case 'identity': {
      if (!d.explicit) return ctx.usersOwnRole ? line(`Your IAM role \`${roleName}\` does not allow \`${d.action}\`: no policy of it allows this. \`@aws switch-role\` links another role; an administrator can change this one in IAM.`) : fallback;
      const found = await roleDenial(req, role[1], role[2], source);
      if (!found) return line(`Refused by an explicit Deny in a policy of ${whose} IAM role \`${roleName}\`. An administrator can change the role's policies in IAM.`);
      return line(`Refused by ${whose} IAM role \`${roleName}\`: its ${found.name} denies \`${d.action}\`${sid(found.statement)}. An administrator can change the role's policies in IAM.`);
    }
    case 'boundary': {
      const boundary = (await source.getRole(role[1], role[2]))?.permissionsBoundary;
      const named = boundary ? `the permissions boundary \`${boundary}\`` : 'the permissions boundary';
      return line(`Refused by ${named} of ${whose} IAM role \`${roleName}\`: it ${d.explicit ? 'denies' : 'does not allow'} \`${d.action}\`, whatever the role's own policies allow. An administrator can change the boundary in IAM.`);
    }
    case 'session': {
      if (!ctx.guardrailPolicyArns.length) return fallback;
      if (!d.explicit) return `${fallback.replace(/_$/, '')} Guardrails: ${ctx.guardrailPolicyArns.map((a) => `\`${a}\``).join(', ')}; none allows \`${d.action}\`._`;
      const docs: NamedPolicy[] = [];
      for (const arn of ctx.guardrailPolicyArns) {
        const doc = await source.managedPolicy(role[1], arn);
        if (doc) docs.push({ name: arn, doc });
      }
      const found = denyingPolicy(req, docs);
      if (!found) return line(`Refused by an explicit Deny in the channel's guardrail policies (${ctx.guardrailPolicyArns.map((a) => `\`${a}\``).join(', ')}). An administrator can change them in the channel configuration.`);
      return line(`Refused by the channel's guardrail policy \`${found.name}\`: it denies \`${d.action}\`${sid(found.statement)}, whatever the role allows. An administrator can change the guardrails in the channel configuration.`);
    }
    case 'scp':
    case 'rcp': {
      const kind = d.layer === 'scp' ? 'service control policy' : 'resource control policy';
      return line(`Refused by ${d.policyArn ? `the ${kind} \`${d.policyArn}\`` : `a ${kind}`} of your AWS organization: it applies whatever the role and the guardrails allow; the organization's management account can change it.`);
    }
    case 'resource':
      return line(`Refused by the policy of the resource itself (\`${d.resource}\`), not by ${whose} IAM role. Its owner can change that policy.`);
    default:
      return fallback;
  }
}

/** The role's inline or managed policy holding the Deny. */
async function roleDenial(req: AuthorizationRequest, accountId: string, roleName: string, source: PolicySource): Promise<{ name: string; statement?: Statement } | undefined> {
  const stored = await source.getRole(accountId, roleName);
  if (!stored) return undefined;
  const policies: NamedPolicy[] = [];
  for (const [name, text] of Object.entries(stored.inlinePolicies)) {
    try { policies.push({ name: `inline policy \`${name}\``, doc: parsePolicyDocument(text, 'identity') }); } catch { /* an unreadable policy denies nothing here */ }
  }
  for (const arn of stored.attachedPolicies) {
    const doc = await source.managedPolicy(accountId, arn);
    if (doc) policies.push({ name: `managed policy \`${arn}\``, doc });
  }
  return denyingPolicy(req, policies);
}
