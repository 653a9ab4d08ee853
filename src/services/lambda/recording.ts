// How CloudTrail logs Lambda: event names carry the API version they were introduced in
// (ListFunctions20150331, GetFunction20150331v2, TagResource20170331v2...), while IAM actions do
// not. Code packages are never logged and environment variables show as `environment: {}`.
import { loadModel } from '../../protocol/model.js';
import { loggedValue } from '../../records/record.js';
import type { RecordingRules } from '../../records/rules.js';

const model = loadModel('lambda');

/** Operations answering with a FunctionConfiguration, whose records always show `environment: {}`. */
const CONFIGURATION_OUTPUTS = ['UpdateFunctionCode', 'UpdateFunctionConfiguration', 'PublishVersion'];

/**
 * Lambda parses a full function ARN into `fullyQualifiedArn` in UpdateFunctionCode records. Only
 * an unqualified full ARN is parsed here: for a bare name the account and region Lambda resolves
 * are not known to this rule, so the member is left out rather than guessed.
 */
export function fullyQualifiedArn(name: unknown): Record<string, unknown> | undefined {
  const m = typeof name === 'string' ? /^arn:(aws[\w-]*):lambda:([\w-]+):(\d{12}):function:([\w-]+)$/.exec(name) : null;
  if (!m) return undefined;
  return { arnPrefix: { account: m[3], partition: m[1], region: m[2] }, functionQualifier: {}, relativeId: { functionName: m[4] } };
}

function camelInput(op: string, input: Record<string, unknown>): Record<string, unknown> {
  const shape = model.shape(model.operation(op)!.input!.shape);
  return (loggedValue(model, shape, input, 'request', lambdaRecording) ?? {}) as Record<string, unknown>;
}

/**
 * A FunctionConfiguration as Lambda's records show it: `environment: {}` whether or not the function
 * has variables (they are never logged), and lastModified at whole seconds (`...:15.000+0000`).
 */
function configurationElements(output: Record<string, unknown>): unknown {
  const lastModified = typeof output.LastModified === 'string' ? output.LastModified.replace(/\.\d{3}(?=[+-]\d{4}$)/, '.000') : output.LastModified;
  return loggedValue(model, model.shape('FunctionConfiguration'), { ...output, Environment: output.Environment ?? {}, LastModified: lastModified }, 'response', lambdaRecording);
}

/**
 * CreateFunction's answer as Lambda's records show it: a new function is always reported `Pending`
 * with its reason, and carries no lastUpdateStatus (that appears only once an update has run), whatever
 * state this server's instant create reports to the caller.
 */
function createElements(output: Record<string, unknown>): unknown {
  const { LastUpdateStatus: _s, LastUpdateStatusReason: _r, LastUpdateStatusReasonCode: _c, ...rest } = output;
  return configurationElements({ ...rest, State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' });
}

export const lambdaRecording: RecordingRules = {
  eventSource: 'lambda.amazonaws.com',
  eventNames: {
    CreateFunction: 'CreateFunction20150331',
    GetFunction: 'GetFunction20150331v2',
    GetFunctionConfiguration: 'GetFunctionConfiguration20150331v2',
    ListFunctions: 'ListFunctions20150331',
    DeleteFunction: 'DeleteFunction20150331',
    UpdateFunctionConfiguration: 'UpdateFunctionConfiguration20150331v2',
    UpdateFunctionCode: 'UpdateFunctionCode20150331v2',
    TagResource: 'TagResource20170331v2',
    UntagResource: 'UntagResource20170331v2',
    ListTags: 'ListTags20170331',
    GetAccountSettings: 'GetAccountSettings20160819',
    PublishVersion: 'PublishVersion20150331',
    ListVersionsByFunction: 'ListVersionsByFunction20150331',
    CreateAlias: 'CreateAlias20150331',
    GetAlias: 'GetAlias20150331',
    UpdateAlias: 'UpdateAlias20150331',
    DeleteAlias: 'DeleteAlias20150331',
    ListAliases: 'ListAliases20150331',
    AddPermission: 'AddPermission20150331v2',
    RemovePermission: 'RemovePermission20150331v2',
    GetPolicy: 'GetPolicy20150331v2',
  },
  // Invocations are data events: trails log them only when selected, Event history never shows them.
  dataEvents: ['Invoke', 'InvokeWithResponseStream', 'InvokeAsync'],
  // ZipFile is a sensitive blob: without this the recorder would log it as HIDDEN_DUE_TO_SECURITY_REASONS
  // where Lambda logs `code: {}`; Variables likewise leave `environment: {}` as in real records.
  redact: ['ZipFile', 'Variables', 'Payload', 'InvokeArgs'],
  requestParameters: {
    // Real UpdateFunctionCode records log Lambda's parsed request: dryRun and publish with their
    // defaults even when not sent, and the function ARN taken apart.
    UpdateFunctionCode: (input) => {
      const { functionName, ...rest } = camelInput('UpdateFunctionCode', input);
      const fq = fullyQualifiedArn(input.FunctionName);
      return { dryRun: false, ...(fq ? { fullyQualifiedArn: fq } : {}), functionName, publish: false, ...rest };
    },
  },
  responseElements: {
    // The only output member is the HTTP status (204): nothing CloudTrail would show.
    DeleteFunction: () => null,
    DeleteAlias: () => null,
    RemovePermission: () => null,
    ...Object.fromEntries(CONFIGURATION_OUTPUTS.map((op) => [op, configurationElements])),
    CreateFunction: createElements,
  },
};
