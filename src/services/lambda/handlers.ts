// Lambda's function operations, one handler each, named after the operation: create, read, list,
// update configuration or code, delete, tag, and the account settings. Functions live per account
// and region; code packages in the CodeStore; nothing here knows HTTP.
import type { IdentityStore } from '../../identity/store.js';
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import { CodeStore, looksLikeZip } from './code.js';
import { applyConfiguration, checkExecutionRole, checkLimits, checkRuntime, rejectUnsupported, type ConfigurationInput } from './configure.js';
import { crossAccountDenied, functionExists, functionNotFound, invalidParameter, userError } from './errors.js';
import { lambdaTimestamp, resolveFunction, type FunctionRef } from './names.js';
import type { FunctionStore, StoredFunction } from './store.js';
import { checkTags, tagHandlers } from './tags.js';
import { permissionHandlers } from './permissions.js';
import { pages, versionHandlers, versionNumbers } from './version-handlers.js';
import { codeFilesOf, deleteVersion, publish, resolveQualifier, versionsOf, type Resolved } from './versions.js';
import { readAhead } from '../shared/pagination.js';

export interface LambdaDeps {
  functions: FunctionStore;
  code: CodeStore;
  identity: IdentityStore;
  baseUrl(): string;
}

interface CodeInput { ZipFile?: Buffer; S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string; ImageUri?: string }

interface CreateFunctionInput extends ConfigurationInput {
  FunctionName: string;
  Role: string;
  Code: CodeInput;
  PackageType?: string;
  Architectures?: string[];
  Tags?: Record<string, string>;
  Publish?: boolean;
}

interface UpdateFunctionConfigurationInput extends ConfigurationInput { FunctionName: string; RevisionId?: string }

interface UpdateFunctionCodeInput extends CodeInput {
  FunctionName: string;
  Architectures?: string[];
  DryRun?: boolean;
  Publish?: boolean;
  RevisionId?: string;
}

interface FunctionNameInput { FunctionName: string; Qualifier?: string }
interface ListFunctionsInput { MasterRegion?: string; FunctionVersion?: string }

/** The code package a request carries: only inline zips are stored by chattrail. */
function zipOf(code: CodeInput): Buffer {
  if (code.ImageUri !== undefined) throw invalidParameter('chattrail supports functions of PackageType Zip only; container images (ImageUri) are not supported.');
  if (code.S3Bucket !== undefined || code.S3Key !== undefined) throw invalidParameter('chattrail accepts function code as ZipFile only; S3Bucket/S3Key are not supported.');
  if (!code.ZipFile || code.ZipFile.length === 0) throw invalidParameter('Please provide a source for function code.');
  if (!looksLikeZip(code.ZipFile)) throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  return code.ZipFile;
}

/**
 * chattrail stores functions but never runs their code: rather than a made-up result, Invoke
 * answers that plainly (501, which no AWS client retries) after Lambda's own not-found checks.
 */
export function notExecuted(): AwsError {
  return new AwsError('InvalidAction', 'chattrail does not execute Lambda function code, so Invoke is not available. The function exists: get-function returns its configuration and a link to its code.', 501);
}

function precondition() {
  return userError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
}

/** The function a call names, which must exist, and what its qualifier (if any) designates. */
async function load(deps: LambdaDeps, ref: FunctionRef, ctx: CallContext, op: string): Promise<{ fn: StoredFunction; resolved: Resolved }> {
  if (ref.accountId !== ctx.accountId) throw crossAccountDenied(ctx.principal.arn, op, ref.arn);
  const fn = await deps.functions.get(ref.accountId, ref.region, ref.name);
  if (!fn) throw functionNotFound(ref.qualifier ? `${ref.arn}:${ref.qualifier}` : ref.arn);
  return { fn, resolved: resolveQualifier(fn, ref) };
}

/** Code packages `before` used that `after` no longer references (none while a version keeps them). */
async function dropUnusedCode(deps: LambdaDeps, before: StoredFunction, after: StoredFunction | undefined): Promise<void> {
  const kept = after ? codeFilesOf(after) : new Set<string>();
  for (const id of codeFilesOf(before)) if (!kept.has(id)) await deps.code.remove(id);
}

/** `--publish` on create or code update: publish $LATEST right away and answer with the version. */
async function publishNow(deps: LambdaDeps, ref: FunctionRef, ctx: CallContext) {
  let version = '';
  const updated = await deps.functions.update(ref.accountId, ref.region, ref.name, (cur) => {
    const done = publish(cur, {}, ctx);
    version = done.version;
    return done.fn;
  });
  if (!updated) throw functionNotFound(ref.arn);
  return deps.functions.configurationOf(versionsOf(updated.after)[version]);
}

/** A new function's configuration before its input is applied: Lambda's defaults. */
function defaults(ref: FunctionRef, input: CreateFunctionInput, code: { sha256: string; size: number }, ctx: CallContext): StoredFunction['config'] {
  return {
    FunctionName: ref.name, FunctionArn: ref.arn, Role: input.Role, CodeSize: code.size, Description: '', Timeout: 3, MemorySize: 128,
    LastModified: lambdaTimestamp(ctx.clock.now()), CodeSha256: code.sha256, Version: '$LATEST', TracingConfig: { Mode: 'PassThrough' },
    RevisionId: ctx.ids.uuid(), State: 'Active', LastUpdateStatus: 'Successful', PackageType: 'Zip', Architectures: input.Architectures ?? ['x86_64'],
    EphemeralStorage: { Size: 512 }, SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${ref.name}` },
  };
}

export function lambdaHandlers(deps: LambdaDeps): Record<string, Handler> {
  return {
    async CreateFunction(input: CreateFunctionInput, ctx: CallContext) {
      const ref = resolveFunction(input.FunctionName, ctx);
      if (ref.accountId !== ctx.accountId) throw crossAccountDenied(ctx.principal.arn, 'CreateFunction', ref.arn);
      if (ref.qualifier) throw invalidParameter(`Unsupported function name: ${input.FunctionName}. A qualifier cannot be given when creating a function.`);
      if (input.PackageType === 'Image') throw invalidParameter('chattrail supports functions of PackageType Zip only; container images are not supported.');
      rejectUnsupported(input);
      checkRuntime(input.Runtime);
      checkLimits(input);
      if (input.Tags) checkTags(input.Tags);
      if (!input.Runtime || !input.Handler) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
      const zip = zipOf(input.Code);
      await checkExecutionRole(deps, input.Role, ctx);
      if (await deps.functions.get(ref.accountId, ref.region, ref.name)) throw functionExists(ref.name);
      const saved = await deps.code.save(zip);
      const fn: StoredFunction = {
        config: applyConfiguration(defaults(ref, input, saved, ctx), input, ctx.region),
        sealedEnvironment: deps.functions.sealEnvironment(input.Environment?.Variables),
        codeFileId: saved.fileId,
        tags: { ...input.Tags },
      };
      if (!(await deps.functions.create(ref.accountId, ref.region, fn))) {
        await deps.code.remove(saved.fileId);
        throw functionExists(ref.name);
      }
      if (input.Publish) return publishNow(deps, ref, ctx);
      return deps.functions.configurationOf(fn);
    },

    async GetFunction(input: FunctionNameInput, ctx: CallContext) {
      const { fn, resolved } = await load(deps, resolveFunction(input.FunctionName, ctx, input.Qualifier), ctx, 'GetFunction');
      return {
        Configuration: { ...deps.functions.configurationOf(resolved.target), FunctionArn: resolved.arn },
        Code: { RepositoryType: 'S3', Location: deps.code.presign(resolved.target.codeFileId, deps.baseUrl()) },
        Tags: Object.keys(fn.tags).length ? fn.tags : undefined,
      };
    },

    async GetFunctionConfiguration(input: FunctionNameInput, ctx: CallContext) {
      const { resolved } = await load(deps, resolveFunction(input.FunctionName, ctx, input.Qualifier), ctx, 'GetFunctionConfiguration');
      return { ...deps.functions.configurationOf(resolved.target), FunctionArn: resolved.arn };
    },

    async ListFunctions(input: ListFunctionsInput, ctx: CallContext) {
      // MasterRegion lists Lambda@Edge replicas, which chattrail never makes.
      if (input.MasterRegion !== undefined) return { Functions: [] };
      // In name order, read from the store a page at a time: a marker carries the last name served.
      const read = readAhead((after, n) => deps.functions.list(ctx.accountId, ctx.region, after, n), (fn) => fn.config.FunctionName);
      const page = await pages.read('ListFunctions', input, ctx, read, { parent: ctx.region, validKey: (k) => /^[a-zA-Z0-9_.-]{1,256}$/.test(k) });
      // FunctionVersion ALL lists each function's $LATEST (qualified ARN) followed by its versions.
      const all = input.FunctionVersion === 'ALL';
      return page.output(page.items.flatMap((fn) => all
        ? [{ ...deps.functions.configurationOf(fn), FunctionArn: `${fn.config.FunctionArn}:$LATEST` },
          ...versionNumbers(fn).map((v) => deps.functions.configurationOf(versionsOf(fn)[v]))]
        : [deps.functions.configurationOf(fn)]));
    },

    async DeleteFunction(input: FunctionNameInput, ctx: CallContext) {
      const ref = resolveFunction(input.FunctionName, ctx, input.Qualifier);
      if (ref.qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
      if (ref.accountId !== ctx.accountId) throw crossAccountDenied(ctx.principal.arn, 'DeleteFunction', ref.arn);
      if (ref.qualifier !== undefined) {
        const qualifier = ref.qualifier;
        const updated = await deps.functions.update(ref.accountId, ref.region, ref.name, (cur) => deleteVersion(cur, ref, qualifier));
        if (!updated) throw functionNotFound(`${ref.arn}:${qualifier}`);
        await dropUnusedCode(deps, updated.before, updated.after);
        return { StatusCode: 204 };
      }
      const { fn } = await load(deps, ref, ctx, 'DeleteFunction');
      if (!(await deps.functions.delete(ref.accountId, ref.region, ref.name))) throw functionNotFound(ref.arn);
      await dropUnusedCode(deps, fn, undefined);
      return { StatusCode: 204 };
    },

    async UpdateFunctionConfiguration(input: UpdateFunctionConfigurationInput, ctx: CallContext) {
      const ref = resolveFunction(input.FunctionName, ctx);
      rejectUnsupported(input);
      checkRuntime(input.Runtime);
      checkLimits(input);
      await load(deps, ref, ctx, 'UpdateFunctionConfiguration');
      if (input.Role !== undefined) await checkExecutionRole(deps, input.Role, ctx);
      const updated = await deps.functions.update(ref.accountId, ref.region, ref.name, (cur) => {
        if (input.RevisionId !== undefined && input.RevisionId !== cur.config.RevisionId) throw precondition();
        const config = applyConfiguration(cur.config, input, ctx.region);
        return {
          ...cur,
          config: { ...config, LastModified: lambdaTimestamp(ctx.clock.now()), RevisionId: ctx.ids.uuid() },
          sealedEnvironment: input.Environment !== undefined ? deps.functions.sealEnvironment(input.Environment.Variables) : cur.sealedEnvironment,
        };
      });
      if (!updated) throw functionNotFound(ref.arn);
      return deps.functions.configurationOf(updated.after);
    },

    async UpdateFunctionCode(input: UpdateFunctionCodeInput, ctx: CallContext) {
      const ref = resolveFunction(input.FunctionName, ctx);
      const { fn: current } = await load(deps, ref, ctx, 'UpdateFunctionCode');
      const zip = zipOf(input);
      if (input.DryRun) {
        if (input.RevisionId !== undefined && input.RevisionId !== current.config.RevisionId) throw precondition();
        const { sha256, size } = CodeStore.digest(zip);
        return { ...deps.functions.configurationOf(current), CodeSha256: sha256, CodeSize: size };
      }
      const saved = await deps.code.save(zip);
      let updated;
      try {
        updated = await deps.functions.update(ref.accountId, ref.region, ref.name, (cur) => {
          if (input.RevisionId !== undefined && input.RevisionId !== cur.config.RevisionId) throw precondition();
          return {
            ...cur,
            codeFileId: saved.fileId,
            config: {
              ...cur.config, CodeSha256: saved.sha256, CodeSize: saved.size, Architectures: input.Architectures ?? cur.config.Architectures,
              LastModified: lambdaTimestamp(ctx.clock.now()), RevisionId: ctx.ids.uuid(),
            },
          };
        });
      } catch (e) {
        await deps.code.remove(saved.fileId);
        throw e;
      }
      if (!updated) {
        await deps.code.remove(saved.fileId);
        throw functionNotFound(ref.arn);
      }
      await dropUnusedCode(deps, updated.before, updated.after);
      if (input.Publish) return publishNow(deps, ref, ctx);
      return deps.functions.configurationOf(updated.after);
    },

    async GetAccountSettings(_input: Record<string, never>, ctx: CallContext) {
      const all = await deps.functions.listAll(ctx.accountId, ctx.region);
      return {
        AccountLimit: {
          TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800,
          ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000,
        },
        AccountUsage: { TotalCodeSize: all.reduce((n, fn) => n + fn.config.CodeSize, 0), FunctionCount: all.length },
      };
    },

    async Invoke(input: FunctionNameInput, ctx: CallContext) {
      const ref = resolveFunction(input.FunctionName, ctx, input.Qualifier);
      const { resolved } = await load(deps, ref, ctx, 'InvokeFunction');
      ctx.addResource('AWS::Lambda::Function', resolved.arn);
      throw notExecuted();
    },

    async InvokeWithResponseStream(input: FunctionNameInput, ctx: CallContext) {
      const ref = resolveFunction(input.FunctionName, ctx, input.Qualifier);
      const { resolved } = await load(deps, ref, ctx, 'InvokeFunction');
      ctx.addResource('AWS::Lambda::Function', resolved.arn);
      throw notExecuted();
    },

    ...tagHandlers(deps.functions),
    ...versionHandlers(deps.functions),
    ...permissionHandlers(deps.functions),
  };
}
