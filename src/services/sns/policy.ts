// Topic policies: the default one SNS writes on CreateTopic, validation with SNS's InvalidParameter
// wording, and evaluation for callers from other accounts and for service principals (CloudTrail).
import { AwsError } from '../../protocol/errors.js';
import { parsePolicyDocument, PolicyParseError, type PolicyDocument } from '../../policy/document.js';
import { evaluateResourcePolicy, type Decision, type RequestPrincipal } from '../../policy/evaluate.js';
import type { Principal } from '../../common/principal.js';

/** What SNS grants the owner account on a new topic. */
export function defaultTopicPolicy(topicArn: string, ownerAccountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission',
        'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': ownerAccountId } },
    }],
  });
}

const MAX_POLICY_BYTES = 30 * 1024;

/** Parses a topic policy, or throws InvalidParameter worded as SNS words it. */
export function validateTopicPolicy(text: string): PolicyDocument {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw new AwsError('InvalidParameter', 'Invalid parameter: Policy Error: Policy size exceeds 30 KB');
  let doc: PolicyDocument;
  try {
    doc = parsePolicyDocument(text, 'resource');
  } catch (e) {
    if (!(e instanceof PolicyParseError)) throw e;
    // SNS answers "Policy Error: null" for documents it cannot read at all.
    const detail = e.message === 'Syntax errors in policy.' ? 'null' : e.message;
    throw new AwsError('InvalidParameter', `Invalid parameter: Policy Error: ${detail}`);
  }
  for (const s of doc.Statement) {
    const actions = s.Action ?? s.NotAction ?? [];
    for (const a of typeof actions === 'string' ? [actions] : actions) {
      if (a !== '*' && !/^sns:/i.test(a)) throw new AwsError('InvalidParameter', 'Invalid parameter: Policy statement action out of service scope!');
    }
  }
  return doc;
}

export function requestPrincipalOf(p: Principal): RequestPrincipal {
  return { arn: p.arn, accountId: p.accountId, type: p.type, service: p.type === 'AWSService' ? p.service : undefined };
}

/** The topic policy's decision for `action` (e.g. `SNS:Publish`) by `caller`. */
export function topicPolicyDecision(policyText: string, topicArn: string, action: string, caller: RequestPrincipal,
  context: Record<string, string | undefined>): Decision {
  let doc: PolicyDocument;
  try {
    doc = parsePolicyDocument(policyText, 'resource');
  } catch {
    return 'ImplicitDeny';
  }
  return evaluateResourcePolicy({ action, resource: topicArn, principal: caller, context }, doc);
}

/**
 * Same-account callers were already authorized by their identity policies (only an explicit Deny
 * in the topic policy stops them); callers from other accounts need the topic policy's Allow.
 */
export function authorizeOnTopic(topic: { arn: string; accountId: string; attributes: Record<string, string> }, action: string, caller: Principal): void {
  const who = requestPrincipalOf(caller);
  const context = caller.type === 'AWSService' ? {} : { 'aws:SourceOwner': caller.accountId };
  const decision = topicPolicyDecision(topic.attributes.Policy ?? '', topic.arn, action, who, context);
  if (decision === 'ExplicitDeny') {
    throw new AwsError('AuthorizationError', `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${topic.arn} with an explicit deny in a resource-based policy`);
  }
  if (decision !== 'Allow' && caller.accountId !== topic.accountId) {
    throw new AwsError('AuthorizationError', `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${topic.arn} because no resource-based policy allows the ${action} action`);
  }
}
