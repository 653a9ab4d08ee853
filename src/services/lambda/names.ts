// How Lambda names a function: the forms a FunctionName input may take (name, name:qualifier,
// partial ARN `123456789012:function:name`, full ARN) resolved against the caller's account and
// region, the function ARN, and Lambda's own date format in FunctionConfiguration.
import { invalidParameter, userError } from './errors.js';

/** What a FunctionName input says, before it is checked against the call's account and region. */
export interface FunctionNameParts {
  name: string;
  region?: string;
  accountId?: string;
  qualifier?: string;
}

/** The function a call addresses, in the caller's account and signed region. */
export interface FunctionRef {
  name: string;
  accountId: string;
  region: string;
  qualifier?: string;
  /** The unqualified function ARN. */
  arn: string;
}

// The model's NamespacedFunctionName pattern, with the pieces captured.
const FUNCTION_NAME = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?$/;

export function parseFunctionName(text: string): FunctionNameParts | undefined {
  const m = FUNCTION_NAME.exec(text);
  if (!m) return undefined;
  return { region: m[1], accountId: m[2], name: m[3], qualifier: m[4] };
}

export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/**
 * Resolves a FunctionName input as Lambda does: an ARN from another region is unreachable (Lambda's
 * ResourceNotFoundException wording), and a qualifier given twice must agree.
 */
export function resolveFunction(text: string, ctx: { accountId: string; region: string }, qualifier?: string): FunctionRef {
  const parts = parseFunctionName(text);
  if (!parts) throw invalidParameter(`Invalid function name: ${text}`);
  if (parts.region && parts.region !== ctx.region) {
    throw userError('ResourceNotFoundException', `Functions from '${parts.region}' are not reachable in this region ('${ctx.region}')`);
  }
  if (parts.qualifier && qualifier && parts.qualifier !== qualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const accountId = parts.accountId ?? ctx.accountId;
  return { name: parts.name, accountId, region: ctx.region, qualifier: parts.qualifier ?? qualifier, arn: functionArn(ctx.region, accountId, parts.name) };
}

/** Lambda prints times as `2024-07-30T21:57:15.000+0000` (ISO-8601, milliseconds, `+0000`). */
export function lambdaTimestamp(d: Date): string {
  return d.toISOString().replace(/Z$/, '+0000');
}
