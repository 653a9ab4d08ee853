// IAM Access Analyzer as a ServiceDefinition: ValidatePolicy only (the policy checks chattrail can
// make from AWS's service authorization reference); every other operation answers as chattrail
// answers unimplemented operations. Calls are recorded with eventSource access-analyzer.amazonaws.com.
import { AwsError } from '../../protocol/errors.js';
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type ServiceDefinition } from '../../core/service.js';
import { type RecordingRules } from '../../records/rules.js';
import { validatePolicy, type PolicyType } from './policy-checks.js';

interface ValidatePolicyInput {
  policyDocument: string;
  policyType: PolicyType;
  validatePolicyResourceType?: string;
  maxResults?: number;
  nextToken?: string;
  locale?: string;
}

/** The findings from `nextToken` on, at most `maxResults` of them (AWS pages findings too). */
async function validatePolicyHandler(input: ValidatePolicyInput): Promise<object> {
  const findings = await validatePolicy(input.policyDocument, input.policyType, input.validatePolicyResourceType);
  const from = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(from) || from < 0 || from > findings.length) {
    throw new AwsError('ValidationException', 'Invalid pagination token.', 400, { reason: 'other' });
  }
  if (input.maxResults !== undefined && input.maxResults < 1) throw new AwsError('ValidationException', 'maxResults must be at least 1.', 400, { reason: 'fieldValidationFailed' });
  const to = input.maxResults === undefined ? findings.length : Math.min(findings.length, from + input.maxResults);
  return { findings: findings.slice(from, to), ...(to < findings.length ? { nextToken: Buffer.from(String(to)).toString('base64url') } : {}) };
}

export const accessAnalyzerRecording: RecordingRules = {
  eventSource: 'access-analyzer.amazonaws.com',
  // It reads nothing stored and changes nothing, like AWS's own record of it (readOnly: true).
  readOnly: ['ValidatePolicy'],
};

export function accessAnalyzerService(): ServiceDefinition {
  return {
    model: loadModel('accessanalyzer'),
    handlers: { ValidatePolicy: validatePolicyHandler },
    recording: accessAnalyzerRecording,
    // ValidatePolicy acts on no resource: access-analyzer:ValidatePolicy is authorized on `*`.
    resolveResources: async () => UNSCOPED,
  };
}
