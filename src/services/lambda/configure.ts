// The rules a function's configuration must follow beyond the model's constraints: the execution
// role (exists in the account, trusts lambda.amazonaws.com, and the caller may pass it), runtimes
// no longer accepted, environment variable limits, and the defaults Lambda fills in.
import crypto from 'node:crypto';
import { authorizePassRole, parseRoleArn } from '../../auth/pass-role.js';
import { parsePolicyDocument, PolicyParseError } from '../../policy/document.js';
import { evaluateTrustPolicy } from '../../policy/evaluate.js';
import type { IdentityStore } from '../../identity/store.js';
import type { CallContext } from '../../core/service.js';
import { invalidParameter, userError, validationError } from './errors.js';
import type { FunctionConfiguration } from './store.js';

/** The configuration members CreateFunction and UpdateFunctionConfiguration share. */
export interface ConfigurationInput {
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  KMSKeyArn?: string;
  TracingConfig?: { Mode?: string };
  DeadLetterConfig?: { TargetArn?: string };
  EphemeralStorage?: { Size: number };
  LoggingConfig?: { LogFormat?: string; LogGroup?: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
  Layers?: string[];
  VpcConfig?: { SubnetIds?: string[]; SecurityGroupIds?: string[] };
  FileSystemConfigs?: unknown[];
  ImageConfig?: unknown;
  SnapStart?: { ApplyOn?: string };
}

const MAX_TIMEOUT = 900;
/** The model allows 32768 MB (capacity-provider functions); ordinary functions stop at 10240. */
const MAX_MEMORY = 10240;
const ENVIRONMENT_LIMIT = 4096;
/** Runtimes Lambda no longer lets anyone create or update functions with. */
const BLOCKED_RUNTIMES = new Set(['nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'python2.7', 'python3.6', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'ruby2.5']);
const RESERVED_VARIABLES = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** Features chattrail does not model: refused rather than silently dropped. */
export function rejectUnsupported(input: ConfigurationInput): void {
  if (input.Layers?.length) throw invalidParameter(`Layer version ${input.Layers[0]} does not exist.`);
  if (input.VpcConfig && ((input.VpcConfig.SubnetIds?.length ?? 0) > 0 || (input.VpcConfig.SecurityGroupIds?.length ?? 0) > 0)) {
    throw invalidParameter('chattrail does not support VpcConfig: functions cannot be attached to a VPC.');
  }
  if (input.FileSystemConfigs?.length) throw invalidParameter('chattrail does not support FileSystemConfigs.');
  if (input.ImageConfig !== undefined) throw invalidParameter('ImageConfig is only valid for functions of PackageType Image, which chattrail does not support.');
}

export function checkRuntime(runtime: string | undefined): void {
  if (runtime && BLOCKED_RUNTIMES.has(runtime)) {
    throw invalidParameter(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`);
  }
}

export function checkLimits(input: ConfigurationInput): void {
  if (input.Timeout !== undefined && input.Timeout > MAX_TIMEOUT) throw validationError(input.Timeout, 'timeout', `have value less than or equal to ${MAX_TIMEOUT}`);
  if (input.MemorySize !== undefined && input.MemorySize > MAX_MEMORY) throw validationError(input.MemorySize, 'memorySize', `have value less than or equal to ${MAX_MEMORY}`);
  const vars = input.Environment?.Variables;
  if (!vars) return;
  const reserved = Object.keys(vars).filter((k) => RESERVED_VARIABLES.has(k));
  if (reserved.length) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  // Lambda measures the variables as the JSON object it stores.
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > ENVIRONMENT_LIMIT) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`);
  }
}

export interface RoleCheckDeps {
  identity: IdentityStore;
}

/**
 * Lambda assumes the execution role for the function: the caller must be allowed to pass it
 * (iam:PassRole to lambda.amazonaws.com, in the caller's account: src/auth/pass-role.ts), it must
 * exist under exactly that ARN, and its trust policy must admit lambda.amazonaws.com.
 */
export async function checkExecutionRole(deps: RoleCheckDeps, roleArn: string, ctx: CallContext): Promise<void> {
  const cannotAssume = () => invalidParameter('The role defined for the function cannot be assumed by Lambda.');
  if (!parseRoleArn(roleArn)) throw cannotAssume();
  const role = await authorizePassRole(ctx, {
    roleArn, service: 'lambda.amazonaws.com', lookupRole: (accountId, name) => deps.identity.getRole(accountId, name),
    refuse: (message) => userError('AccessDeniedException', message, 403),
  });
  if (!role || role.arn !== roleArn) throw cannotAssume();
  let trust;
  try {
    trust = parsePolicyDocument(role.assumeRolePolicyDocument, 'trust');
  } catch (e) {
    if (e instanceof PolicyParseError) throw cannotAssume();
    throw e;
  }
  const verdict = evaluateTrustPolicy({
    action: 'sts:AssumeRole', resource: role.arn,
    principal: { type: 'AWSService', service: 'lambda.amazonaws.com', arn: 'lambda.amazonaws.com', accountId: ctx.accountId },
    context: { 'aws:SourceAccount': ctx.accountId },
  }, trust);
  if (verdict !== 'Allow') throw cannotAssume();
}

/** The managed runtime version Lambda reports; a stable fake per runtime and region. */
function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${crypto.createHash('sha256').update(runtime).digest('hex')}`;
}

/** Applies configuration input over `base` (Lambda's defaults for a new function). */
export function applyConfiguration(base: Omit<FunctionConfiguration, 'Environment'>, input: ConfigurationInput, region: string): Omit<FunctionConfiguration, 'Environment'> {
  const next = { ...base };
  if (input.Role !== undefined) next.Role = input.Role;
  if (input.Runtime !== undefined) {
    next.Runtime = input.Runtime;
    next.RuntimeVersionConfig = { RuntimeVersionArn: runtimeVersionArn(region, input.Runtime) };
  }
  if (input.Handler !== undefined) next.Handler = input.Handler;
  if (input.Description !== undefined) next.Description = input.Description;
  if (input.Timeout !== undefined) next.Timeout = input.Timeout;
  if (input.MemorySize !== undefined) next.MemorySize = input.MemorySize;
  if (input.KMSKeyArn !== undefined) next.KMSKeyArn = input.KMSKeyArn || undefined;
  if (input.TracingConfig?.Mode !== undefined) next.TracingConfig = { Mode: input.TracingConfig.Mode };
  if (input.DeadLetterConfig !== undefined) next.DeadLetterConfig = input.DeadLetterConfig.TargetArn ? { TargetArn: input.DeadLetterConfig.TargetArn } : undefined;
  if (input.EphemeralStorage !== undefined) next.EphemeralStorage = { Size: input.EphemeralStorage.Size };
  if (input.SnapStart?.ApplyOn !== undefined) next.SnapStart = { ...next.SnapStart, ApplyOn: input.SnapStart.ApplyOn };
  if (input.LoggingConfig !== undefined) {
    const l = input.LoggingConfig;
    next.LoggingConfig = {
      LogFormat: l.LogFormat ?? next.LoggingConfig.LogFormat,
      LogGroup: l.LogGroup ?? next.LoggingConfig.LogGroup,
      ApplicationLogLevel: l.ApplicationLogLevel ?? next.LoggingConfig.ApplicationLogLevel,
      SystemLogLevel: l.SystemLogLevel ?? next.LoggingConfig.SystemLogLevel,
    };
  }
  return next;
}
