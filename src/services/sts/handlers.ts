// AWS STS: who am I, and temporary credentials (AssumeRole with trust policy evaluation,
// GetSessionToken, GetFederationToken). Issued sessions are stored sealed; tokens only as hashes.
import { AwsError } from '../../protocol/errors.js';
import type { AssumedRolePrincipal, FederatedPrincipal, Principal } from '../../common/principal.js';
import { isSession, principalId } from '../../common/principal.js';
import type { CallContext, Handler } from '../../core/service.js';
import { hashToken, type IdentityStore } from '../../identity/store.js';
import { evaluateTrustPolicy } from '../../policy/evaluate.js';
import { parsePolicyDocument } from '../../policy/document.js';

export interface StsDeps {
  identity: IdentityStore;
}

interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

/** Creates and stores a session for `principal` (whose accessKeyId is filled in here). */
async function issueSession(deps: StsDeps, ctx: CallContext, principal: Principal, durationSeconds: number, internal = false): Promise<IssuedCredentials> {
  const accessKeyId = `ASIA${ctx.ids.alnum(16)}`;
  const secret = ctx.ids.secret(40);
  // Real session tokens are long opaque blobs; ours carry 64 random bytes and a recognizable prefix.
  const token = `IQoJb3JpZ2luX2VjE${Buffer.from(ctx.ids.secret(48) + ctx.ids.secret(48)).toString('base64')}`;
  const expiresAt = new Date(ctx.clock.now().getTime() + durationSeconds * 1000);
  const stored = { ...principal, accessKeyId } as Principal;
  if (internal) deps.identity.putInternalSession({ accessKeyId, secretAccessKey: secret, tokenHash: hashToken(token), expiresAt, principal: stored }, ctx.clock.now());
  else await deps.identity.putSession({ accessKeyId, sealedSecret: deps.identity.box.seal(secret), tokenHash: hashToken(token), expiresAt, principal: stored });
  return { AccessKeyId: accessKeyId, SecretAccessKey: secret, SessionToken: token, Expiration: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000) };
}

/** Role chaining caps a session at one hour. */
const CHAINED_SESSION_LIMIT = 3600;

interface SessionPolicyInput { Policy?: string; PolicyArns?: { arn?: string }[] }
type AssumeRoleInput = SessionPolicyInput & {
  RoleArn: string; RoleSessionName: string; DurationSeconds?: number; ExternalId?: string; SourceIdentity?: string;
};

/** The inline session policy must parse; managed ones must be policy ARNs (STS does not check they exist). */
function checkSessionPolicy(input: SessionPolicyInput): void {
  if (input.Policy !== undefined) {
    try { parsePolicyDocument(input.Policy, 'identity'); } catch (e) { throw new AwsError('MalformedPolicyDocument', (e as Error).message); }
  }
  for (const { arn } of input.PolicyArns ?? []) {
    if (!arn || !/^arn:aws:iam::(\d{12}|aws):policy\//.test(arn)) throw new AwsError('ValidationError', `${String(arn)} is invalid`);
  }
}

function policyArnsOf(input: SessionPolicyInput): string[] | undefined {
  const arns = (input.PolicyArns ?? []).map((p) => p.arn).filter((a): a is string => a !== undefined);
  return arns.length ? arns : undefined;
}

/** A rough stand-in for AWS's packed size (percent of the allowed total), present whenever a session policy was passed. */
function packedPolicySize(input: SessionPolicyInput): number | undefined {
  if (input.Policy === undefined && !input.PolicyArns?.length) return undefined;
  const chars = (input.Policy?.length ?? 0) + (input.PolicyArns ?? []).reduce((n, p) => n + (p.arn?.length ?? 0), 0);
  return Math.min(100, Math.max(1, Math.ceil(chars / 20)));
}

export function parseRoleArn(arn: string): { accountId: string; roleName: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/.exec(arn);
  return m ? { accountId: m[1], roleName: m[2] } : undefined;
}

export function stsHandlers(deps: StsDeps): Record<string, Handler> {
  return {
    async GetCallerIdentity(_input: Record<string, never>, ctx: CallContext) {
      const p = ctx.principal;
      return { UserId: principalId(p), Account: p.accountId, Arn: p.arn };
    },

    async AssumeRole(input: AssumeRoleInput, ctx: CallContext) {
      const caller = ctx.principal;
      const denied = () => new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, 403);
      const target = parseRoleArn(input.RoleArn);
      if (!target) throw new AwsError('ValidationError', `${input.RoleArn} is invalid`);
      const role = await deps.identity.getRole(target.accountId, target.roleName);
      // Names are case-insensitive, ARNs are not: the RoleArn must be the role's own, path included,
      // or policies scoped to a path (role/sandbox/*) would admit any role named like one in it.
      if (!role || role.arn !== input.RoleArn) throw denied();
      const trust = parsePolicyDocument(role.assumeRolePolicyDocument, 'trust');
      const decision = evaluateTrustPolicy({
        action: 'sts:AssumeRole', resource: role.arn,
        principal: { arn: caller.arn, accountId: caller.accountId, type: caller.type, service: caller.type === 'AWSService' ? caller.service : undefined },
        context: {
          'sts:ExternalId': input.ExternalId, 'sts:RoleSessionName': input.RoleSessionName, 'sts:SourceIdentity': input.SourceIdentity,
          // A service assuming a role for a customer's resource (AWS Chatbot for a channel configuration)
          // says whose: trust policies can require them, and another account's role needs them (evaluate.ts).
          ...(caller.type === 'AWSService' ? { 'aws:SourceAccount': caller.accountId, 'aws:SourceArn': caller.sourceArn } : {}),
        },
      }, trust);
      if (decision !== 'Allow') throw denied();
      const duration = input.DurationSeconds ?? 3600;
      // A role session assuming a role ("role chaining") gets one hour at most, whatever the role allows.
      if (caller.type === 'AssumedRole' && duration > CHAINED_SESSION_LIMIT) {
        throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
      }
      if (duration > role.maxSessionDuration) {
        throw new AwsError('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
      }
      checkSessionPolicy(input);
      const session: AssumedRolePrincipal = {
        type: 'AssumedRole', accountId: target.accountId, arn: `arn:aws:sts::${target.accountId}:assumed-role/${role.roleName}/${input.RoleSessionName}`,
        roleName: role.roleName, roleArn: role.arn, roleId: role.roleId, sessionName: input.RoleSessionName, accessKeyId: '',
        sessionCreatedAt: ctx.requestTime ?? ctx.clock.now(), sessionPolicy: input.Policy, sessionPolicyArns: policyArnsOf(input),
        assumedBy: caller.type === 'AWSService' ? caller.service : undefined,
      };
      // An AWS service's own AssumeRole inside chattrail (AWS Chatbot's, from the chat executor)
      // yields credentials used for one command inside this process: held in memory only.
      const internal = ctx.via?.invokedBy !== undefined && caller.type === 'AWSService';
      const credentials = await issueSession(deps, ctx, session, duration, internal);
      // Real records name the role only when the call succeeded.
      ctx.addResource('AWS::IAM::Role', role.arn, target.accountId);
      return {
        Credentials: credentials,
        AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${input.RoleSessionName}`, Arn: session.arn },
        PackedPolicySize: packedPolicySize(input),
        SourceIdentity: input.SourceIdentity,
      };
    },

    async GetSessionToken(input: { DurationSeconds?: number }, ctx: CallContext) {
      const p = ctx.principal;
      if ((p.type !== 'IAMUser' && p.type !== 'Root') || isSession(p)) {
        throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
      }
      const max = p.type === 'Root' ? 3600 : 129600;
      const duration = Math.min(input.DurationSeconds ?? (p.type === 'Root' ? 3600 : 43200), max);
      // A session token acts as the same user: same principal and permissions, temporary key; only
      // the record tells it apart (sessionContext).
      return { Credentials: await issueSession(deps, ctx, { ...p, sessionCreatedAt: ctx.requestTime ?? ctx.clock.now() }, duration) };
    },

    async GetFederationToken(input: SessionPolicyInput & { Name: string; DurationSeconds?: number }, ctx: CallContext) {
      const p = ctx.principal;
      if (isSession(p)) throw new AwsError('AccessDenied', 'Cannot call GetFederationToken with session credentials', 403);
      if (p.type !== 'IAMUser') throw new AwsError('AccessDenied', 'Only IAM users can call GetFederationToken', 403);
      checkSessionPolicy(input);
      const arns = policyArnsOf(input);
      const fed: FederatedPrincipal = {
        type: 'FederatedUser', accountId: p.accountId, arn: `arn:aws:sts::${p.accountId}:federated-user/${input.Name}`,
        federatedName: input.Name, accessKeyId: '', sessionCreatedAt: ctx.requestTime ?? ctx.clock.now(),
        issuer: { arn: p.arn, userName: p.userName, userId: p.userId },
        // Without a session policy (inline or managed) a federated user has no permissions, as in AWS.
        sessionPolicy: input.Policy ?? (arns ? undefined : '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'),
        sessionPolicyArns: arns,
      };
      const credentials = await issueSession(deps, ctx, fed, input.DurationSeconds ?? 43200);
      return {
        Credentials: credentials,
        FederatedUser: { FederatedUserId: `${p.accountId}:${input.Name}`, Arn: fed.arn },
        PackedPolicySize: packedPolicySize(input),
      };
    },
  };
}
