// How CloudTrail records the calls of forwarded services: the catalog's eventSource, and where
// CloudTrail's records of a service differ from what the model alone gives, the service's rules
// (checked against every real record of these services by samples.test.ts).
import type { RecordingRules } from '../../records/rules.js';
import { pinnedRegion } from '../../records/regions.js';
import { ec2Rules } from '../../records/ec2-records.js';
import { loadModel } from '../../protocol/model.js';
import type { CatalogEntry } from './catalog.js';

type ServiceRules = Omit<RecordingRules, 'eventSource' | 'globalRegion'>;

/** DynamoDB item calls are data events (CloudTrail user guide, data events table; DynamoDB developer guide). */
const DYNAMODB_ITEM_CALLS = [
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan',
  'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction',
];

/** SQS message calls are data events (SQS developer guide, "Amazon SQS data events in CloudTrail"). */
const SQS_MESSAGE_CALLS = [
  'SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch',
  'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch',
];

/** SSM's session calls answer a token CloudTrail replaces with this sentence (real StartSession records). */
function sessionAnswer(output: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (output.SessionId !== undefined) out.sessionId = output.SessionId;
  if (output.StreamUrl !== undefined) out.streamUrl = output.StreamUrl;
  if (output.TokenValue !== undefined) out.tokenValue = 'Value hidden due to security reasons.';
  return out;
}

/** Where a service's records differ from the model-derived default, by catalog name. */
const SERVICE_RULES: Readonly<Record<string, () => ServiceRules>> = {
  ec2: () => ec2Rules(),
  // Cryptographic calls read a key and change nothing: CloudTrail marks them read-only.
  kms: () => ({
    readOnly: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
      'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'GenerateRandom', 'ReEncrypt', 'Sign', 'Verify', 'VerifyMac',
      'DeriveSharedSecret'],
  }),
  secretsmanager: () => ({ readOnly: ['BatchGetSecretValue'] }),
  // SSM shows sensitive answers (SendCommand's parameters) as hidden rather than leaving them out.
  ssm: () => ({ hideInResponses: true, responseElements: { StartSession: sessionAnswer, ResumeSession: sessionAnswer } }),
  logs: () => ({ readOnly: ['FilterLogEvents', 'TestMetricFilter'] }),
  // Items never reach a record ("non-key attribute values ... will not appear in logs of actions
  // using the classic API", DynamoDB developer guide); the values of keys and expressions are hidden.
  dynamodb: () => ({
    readOnly: ['Query', 'Scan', 'BatchGetItem', 'TransactGetItems'],
    dataEvents: DYNAMODB_ITEM_CALLS,
    redact: ['Item', 'Items', 'Attributes'],
    sensitiveShapes: ['AttributeValue'],
  }),
  // SQS logs `messageBody: HIDDEN_DUE_TO_SECURITY_REASONS` (the SQS guide's SendMessage record).
  sqs: () => ({ dataEvents: SQS_MESSAGE_CALLS, hidden: ['MessageBody', 'Body'] }),
  // These REST services log a refused call's parameters (real GuardDuty, EKS and AppSync records).
  // CloudFront's event names carry the API version its clients call (`CreateFunction2020_05_31`).
  cloudfront: () => ({ eventNames: Object.fromEntries([...loadModel('cloudfront').operations.keys()].map((op) => [op, `${op}2020_05_31`])) }),
  // A real SendEmail record is read-only and hides the addresses and the message, not the sender.
  ses: () => ({ readOnly: ['SendEmail'], hidden: ['ToAddresses', 'CcAddresses', 'BccAddresses', 'Data'] }),
  sesv2: () => ({ readOnly: ['SendEmail'] }),
  // RDS logs the answer's one structure (the DBInstance) itself, with its pending password hidden.
  rds: () => ({ unwrapOutput: true, hideInResponses: true }),
  neptune: () => ({ unwrapOutput: true, hideInResponses: true }),
  // Cost Explorer logs its parameters as sent (`Granularity`, `GroupBy`), refused calls too.
  ce: () => ({ wireNames: true, keepParamsOnRefusal: true }),
  // API Gateway v2 writes its dates as ISO-8601 (`createdDate: 2025-05-24T13:29:00Z`).
  apigatewayv2: () => ({ formatDate: (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z') }),
  'bedrock-runtime': () => ({ readOnly: ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'] }),
  'bedrock-agent': () => ({ keepParamsOnRefusal: true }),
  // These REST services log a refused call's parameters, and a refused write's message as its answer.
  guardduty: () => ({ keepParamsOnRefusal: true, refusalMessage: true }),
  appsync: () => ({ keepParamsOnRefusal: true, refusalMessage: true }),
  // EKS logs its members under their wire names (`name` for the cluster name in the path).
  eks: () => ({ keepParamsOnRefusal: true, refusalMessage: true, wireNames: true }),
};

/**
 * Services CloudTrail records under another service's source than `<endpointPrefix>.amazonaws.com`:
 * every Bedrock API is `bedrock.amazonaws.com` (real InvokeModel, ListAgents, GetKnowledgeBase records).
 */
const EVENT_SOURCES: Readonly<Record<string, string>> = {
  'bedrock-runtime': 'bedrock.amazonaws.com', 'bedrock-agent': 'bedrock.amazonaws.com', 'bedrock-agent-runtime': 'bedrock.amazonaws.com',
};

export function recordingFor(entry: CatalogEntry): RecordingRules {
  const eventSource = EVENT_SOURCES[entry.name] ?? entry.eventSource;
  const globalRegion = pinnedRegion(eventSource);
  return { eventSource, ...(globalRegion ? { globalRegion } : {}), ...SERVICE_RULES[entry.name]?.() };
}
