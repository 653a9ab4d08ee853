// Published versions and aliases of a Lambda function: resolving a qualifier ($LATEST, a version
// number or an alias name) to what it names, PublishVersion's snapshot rules, and which code
// packages are still referenced so that replacing or deleting one never loses a version's code.
import type { CallContext } from '../../core/service.js';
import { functionNotFound, invalidParameter, userError } from './errors.js';
import { lambdaTimestamp, type FunctionRef } from './names.js';
import type { StoredAlias, StoredFunction, StoredVersion } from './store.js';

/** What a (possibly qualified) function name designates. */
export interface Resolved {
  /** $LATEST (the function itself) or a published version. */
  target: StoredFunction | StoredVersion;
  /** The version that answers: `$LATEST` or a number. */
  version: string;
  /** The ARN Lambda reports back: qualified exactly when the caller gave a qualifier. */
  arn: string;
}

const VERSION_NUMBER = /^\d+$/;

export function versionsOf(fn: StoredFunction): Record<string, StoredVersion> {
  return fn.versions ?? {};
}

export function aliasesOf(fn: StoredFunction): Record<string, StoredAlias> {
  return fn.aliases ?? {};
}

export function aliasArn(ref: FunctionRef, name: string): string {
  return `${ref.arn}:${name}`;
}

/** Resolves `ref.qualifier` on a stored function; an unknown qualifier is Lambda's "Function not found". */
export function resolveQualifier(fn: StoredFunction, ref: FunctionRef): Resolved {
  const q = ref.qualifier;
  if (q === undefined) return { target: fn, version: '$LATEST', arn: ref.arn };
  const arn = `${ref.arn}:${q}`;
  if (q === '$LATEST') return { target: fn, version: '$LATEST', arn };
  if (VERSION_NUMBER.test(q)) {
    const v = versionsOf(fn)[q];
    if (!v) throw functionNotFound(arn);
    return { target: v, version: q, arn };
  }
  const alias = aliasesOf(fn)[q];
  if (!alias) throw functionNotFound(arn);
  if (alias.FunctionVersion === '$LATEST') return { target: fn, version: '$LATEST', arn };
  const v = versionsOf(fn)[alias.FunctionVersion];
  if (!v) throw functionNotFound(arn);
  return { target: v, version: alias.FunctionVersion, arn };
}

/** Whether `version` ($LATEST or a number) exists on the function. */
export function hasVersion(fn: StoredFunction, version: string): boolean {
  return version === '$LATEST' || versionsOf(fn)[version] !== undefined;
}

/** The code package files the function still needs ($LATEST's and every version's). */
export function codeFilesOf(fn: StoredFunction): Set<string> {
  return new Set([fn.codeFileId, ...Object.values(versionsOf(fn)).map((v) => v.codeFileId)]);
}

export interface PublishInput { CodeSha256?: string; Description?: string; RevisionId?: string }

/**
 * Publishes $LATEST as the next version number. Like Lambda, publishing twice with nothing changed
 * in between returns the existing version instead of making a new one.
 */
export function publish(fn: StoredFunction, input: PublishInput, ctx: CallContext): { fn: StoredFunction; version: string } {
  const latest = fn.config;
  if (input.RevisionId !== undefined && input.RevisionId !== latest.RevisionId) {
    throw userError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  }
  if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.CodeSha256) {
    throw invalidParameter(`CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.CodeSha256}). Please try again`);
  }
  const versions = versionsOf(fn);
  const unchanged = Object.entries(versions).find(([, v]) => v.publishedFromRevision === latest.RevisionId);
  if (unchanged) return { fn, version: unchanged[0] };
  const number = String(fn.nextVersion ?? Object.keys(versions).reduce((n, k) => Math.max(n, Number(k) + 1), 1));
  const version: StoredVersion = {
    config: {
      ...latest, Version: number, FunctionArn: `${latest.FunctionArn}:${number}`, Description: input.Description ?? latest.Description,
      LastModified: lambdaTimestamp(ctx.clock.now()), RevisionId: ctx.ids.uuid(),
    },
    sealedEnvironment: fn.sealedEnvironment,
    codeFileId: fn.codeFileId,
    publishedFromRevision: latest.RevisionId,
  };
  return { fn: { ...fn, versions: { ...versions, [number]: version }, nextVersion: Number(number) + 1 }, version: number };
}

/** Deletes one published version; versions an alias points at cannot go. */
export function deleteVersion(fn: StoredFunction, ref: FunctionRef, version: string): StoredFunction {
  if (!VERSION_NUMBER.test(version)) throw invalidParameter('Deletion of aliases is not supported.');
  if (!versionsOf(fn)[version]) throw functionNotFound(`${ref.arn}:${version}`);
  const users = Object.values(aliasesOf(fn)).filter((a) => a.FunctionVersion === version || a.RoutingConfig?.AdditionalVersionWeights?.[version] !== undefined);
  if (users.length) {
    throw userError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(', ')}]`);
  }
  const versions = { ...versionsOf(fn) };
  delete versions[version];
  const policies = { ...fn.policies };
  delete policies[version];
  return { ...fn, versions, policies };
}
