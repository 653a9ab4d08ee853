// A function's resource-based policy: AddPermission, GetPolicy and RemovePermission. Statements are
// kept per qualifier (the unqualified function, a version or an alias) and printed the way Lambda
// prints them, since CloudTrail logs AddPermission's `statement` string verbatim.
import type { CallContext, Handler } from '../../core/service.js';
import { crossAccountDenied, functionNotFound, userError } from './errors.js';
import { resolveFunction, type FunctionRef } from './names.js';
import type { FunctionStore, PolicyStatement, StoredFunction } from './store.js';
import { resolveQualifier } from './versions.js';

interface AddPermissionInput {
  FunctionName: string;
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string;
  SourceAccount?: string;
  EventSourceToken?: string;
  Qualifier?: string;
  RevisionId?: string;
  PrincipalOrgID?: string;
  FunctionUrlAuthType?: string;
}

/** Lambda caps a function's policy at 20 KB. */
const POLICY_LIMIT = 20480;

/** `*`, an account (id or ARN) or a service principal, as Lambda writes it into the statement. */
export function principalOf(p: string): string | Record<string, string> {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  return { Service: p };
}

export function statementOf(input: AddPermissionInput, resource: string): PolicyStatement {
  const condition: Record<string, Record<string, string>> = {};
  const add = (op: string, key: string, value: string | undefined) => {
    if (value !== undefined) condition[op] = { ...condition[op], [key]: value };
  };
  add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
  add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
  add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
  add('ArnLike', 'AWS:SourceArn', input.SourceArn);
  const s: PolicyStatement = { Sid: input.StatementId, Effect: 'Allow', Principal: principalOf(input.Principal), Action: input.Action, Resource: resource };
  if (Object.keys(condition).length) s.Condition = condition;
  return s;
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

const noPolicy = () => userError('ResourceNotFoundException', 'The resource you requested does not exist.');

function precondition() {
  return userError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id');
}

export function permissionHandlers(functions: FunctionStore): Record<string, Handler> {
  /** The function and the ARN the policy covers; the qualifier must name a version or alias that exists. */
  const target = (fn: StoredFunction, ref: FunctionRef): string => {
    const r = resolveQualifier(fn, ref);
    return r.arn;
  };
  const refOf = (input: { FunctionName: string; Qualifier?: string }, ctx: CallContext, op: string) => {
    const ref = resolveFunction(input.FunctionName, ctx, input.Qualifier);
    if (ref.accountId !== ctx.accountId) throw crossAccountDenied(ctx.principal.arn, op, ref.arn);
    return ref;
  };
  return {
    async AddPermission(input: AddPermissionInput, ctx: CallContext) {
      const ref = refOf(input, ctx, 'AddPermission');
      let statement: PolicyStatement | undefined;
      const updated = await functions.update(ref.accountId, ref.region, ref.name, (cur) => {
        const resource = target(cur, ref);
        const key = ref.qualifier ?? '';
        const policy = cur.policies?.[key];
        if (input.RevisionId !== undefined && input.RevisionId !== (policy?.revisionId ?? cur.config.RevisionId)) throw precondition();
        if (policy?.statements.some((s) => s.Sid === input.StatementId)) {
          throw userError('ResourceConflictException', `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
        }
        statement = statementOf(input, resource);
        const statements = [...(policy?.statements ?? []), statement];
        if (Buffer.byteLength(policyDocument(statements)) > POLICY_LIMIT) {
          throw userError('PolicyLengthExceededException', 'The final policy size (bytes) is bigger than the limit.');
        }
        return { ...cur, policies: { ...cur.policies, [key]: { statements, revisionId: ctx.ids.uuid() } } };
      });
      if (!updated) throw functionNotFound(ref.arn);
      return { Statement: JSON.stringify(statement) };
    },

    async GetPolicy(input: { FunctionName: string; Qualifier?: string }, ctx: CallContext) {
      const ref = refOf(input, ctx, 'GetPolicy');
      const fn = await functions.get(ref.accountId, ref.region, ref.name);
      if (!fn) throw functionNotFound(ref.arn);
      target(fn, ref);
      const policy = fn.policies?.[ref.qualifier ?? ''];
      if (!policy?.statements.length) throw noPolicy();
      return { Policy: policyDocument(policy.statements), RevisionId: policy.revisionId };
    },

    async RemovePermission(input: { FunctionName: string; StatementId: string; Qualifier?: string; RevisionId?: string }, ctx: CallContext) {
      const ref = refOf(input, ctx, 'RemovePermission');
      const updated = await functions.update(ref.accountId, ref.region, ref.name, (cur) => {
        target(cur, ref);
        const key = ref.qualifier ?? '';
        const policy = cur.policies?.[key];
        if (!policy) throw noPolicy();
        if (input.RevisionId !== undefined && input.RevisionId !== policy.revisionId) throw precondition();
        const statements = policy.statements.filter((s) => s.Sid !== input.StatementId);
        if (statements.length === policy.statements.length) {
          throw userError('ResourceNotFoundException', `Statement ${input.StatementId} is not found in resource policy.`);
        }
        const policies = { ...cur.policies };
        if (statements.length) policies[key] = { statements, revisionId: ctx.ids.uuid() };
        else delete policies[key];
        return { ...cur, policies };
      });
      if (!updated) throw functionNotFound(ref.arn);
    },
  };
}
