// IAM Access Analyzer as a ServiceDefinition: ValidatePolicy only (the policy checks chattrail can
// make from AWS's service authorization reference); every other operation answers as chattrail
// answers unimplemented operations. Calls are recorded with eventSource access-analyzer.amazonaws.com.
import { AwsError } from '../../protocol/errors.js';
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type CallContext, type ServiceDefinition } from '../../core/service.js';
import { type RecordingRules } from '../../records/rules.js';
import { validatePolicy, type PolicyType } from './policy-checks.js';
import { Pages } from '../shared/pagination.js';

interface ValidatePolicyInput {
  policyDocument: string;
  policyType: PolicyType;
  validatePolicyResourceType?: string;
  maxResults?: number;
  locale?: string;
}

/** Findings are paged (src/services/shared/pagination.ts) only when maxResults asks: all in one page otherwise. */
const pages = new Pages({
  service: 'accessanalyzer', defaultLimit: Number.POSITIVE_INFINITY,
  badToken: () => new AwsError('ValidationException', 'Invalid pagination token.', 400, { reason: 'other' }),
});

/** The findings after `nextToken`'s, at most `maxResults` of them; a token belongs to its policy. */
async function validatePolicyHandler(input: ValidatePolicyInput, ctx: CallContext): Promise<object> {
  const findings = await validatePolicy(input.policyDocument, input.policyType, input.validatePolicyResourceType);
  if (input.maxResults !== undefined && input.maxResults < 1) throw new AwsError('ValidationException', 'maxResults must be at least 1.', 400, { reason: 'fieldValidationFailed' });
  const numbered = findings.map((f, i) => ({ f, key: String(i) }));
  const parent = [input.policyType, input.validatePolicyResourceType ?? '', input.policyDocument].join('\u0000');
  const page = pages.list('ValidatePolicy', input, ctx, numbered, (n) => n.key, { parent, resume: 'position' });
  return page.output(page.items.map((n) => n.f));
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
