// How CloudTrail logs Lambda: event names carry the API version they were introduced in
// (ListFunctions20150331, GetFunction20150331v2, TagResource20170331v2...), while IAM actions do
// not. Code packages are never logged and environment variables show as `environment: {}`.
import type { RecordingRules } from '../types.js';

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
  responseElements: {
    // The only output member is the HTTP status (204): nothing CloudTrail would show.
    DeleteFunction: () => null,
    DeleteAlias: () => null,
    RemovePermission: () => null,
  },
};
