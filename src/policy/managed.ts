// The AWS managed policies chattrail ships, addressed by their real ARNs so AttachRolePolicy and
// Chatbot guardrail settings written for AWS work unchanged. Contents approximate AWS's current
// versions, trimmed to the services people query from chat; all are frozen.

import type { PolicyDocument, Statement } from './document.js';

export interface ManagedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly path: '/';
  readonly document: PolicyDocument;
  readonly description: string;
}

const VERSION = '2012-10-17';

function allowAll(actions: string[], resource: string | string[] = '*'): Statement {
  return { Effect: 'Allow', Action: actions, Resource: resource };
}

/** AWS's ReadOnlyAccess lists each service's read verbs rather than `*:Get*`: a blanket `Get*` would
 * grant secret reads (secretsmanager:GetSecretValue) that the real policy withholds. */
const READ_ONLY_ACTIONS = [
  'acm:Describe*', 'acm:Get*', 'acm:List*',
  'apigateway:GET',
  'autoscaling:Describe*',
  'chatbot:Describe*', 'chatbot:Get*', 'chatbot:List*',
  'cloudformation:Describe*', 'cloudformation:Detect*', 'cloudformation:Get*', 'cloudformation:List*',
  'cloudfront:Describe*', 'cloudfront:Get*', 'cloudfront:List*',
  'cloudtrail:Describe*', 'cloudtrail:Get*', 'cloudtrail:List*', 'cloudtrail:LookupEvents',
  'cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*',
  'dynamodb:BatchGet*', 'dynamodb:Describe*', 'dynamodb:Get*', 'dynamodb:List*', 'dynamodb:Query', 'dynamodb:Scan',
  'ec2:Describe*', 'ec2:Get*',
  'ecr:BatchGet*', 'ecr:Describe*', 'ecr:Get*', 'ecr:List*',
  'ecs:Describe*', 'ecs:List*',
  'eks:Describe*', 'eks:List*',
  'elasticloadbalancing:Describe*',
  'events:Describe*', 'events:List*', 'events:Test*',
  'health:Describe*',
  'iam:Generate*', 'iam:Get*', 'iam:List*', 'iam:Simulate*',
  'kms:Describe*', 'kms:Get*', 'kms:List*',
  'lambda:Get*', 'lambda:List*',
  'logs:Describe*', 'logs:FilterLogEvents', 'logs:Get*', 'logs:List*', 'logs:StartQuery', 'logs:StopQuery', 'logs:TestMetricFilter',
  'rds:Describe*', 'rds:List*',
  'route53:Get*', 'route53:List*',
  's3:Describe*', 's3:Get*', 's3:List*',
  'secretsmanager:Describe*', 'secretsmanager:GetResourcePolicy', 'secretsmanager:List*',
  'sns:Check*', 'sns:Get*', 'sns:List*',
  'sqs:Get*', 'sqs:List*', 'sqs:Receive*',
  'ssm:Describe*', 'ssm:Get*', 'ssm:List*',
  'sts:GetCallerIdentity',
  'support:Describe*',
  'tag:Get*',
];

const ADMINISTRATOR_ACCESS: Statement[] = [{ Effect: 'Allow', Action: '*', Resource: '*' }];

const CLOUDTRAIL_FULL_ACCESS: Statement[] = [
  { Sid: 'AllowManageSNSTopics', ...allowAll(['sns:AddPermission', 'sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:GetTopicAttributes'], ['arn:aws:sns:*:*:aws-cloudtrail-logs*']) },
  { Sid: 'AllowListSNSTopics', ...allowAll(['sns:ListTopics']) },
  { Sid: 'AllowCreateLogBuckets', ...allowAll(['s3:CreateBucket', 's3:PutBucketPolicy', 's3:PutBucketPublicAccessBlock'], ['arn:aws:s3:::aws-cloudtrail-logs*']) },
  { Sid: 'AllowListBuckets', ...allowAll(['s3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:GetBucketPolicy']) },
  { Sid: 'AllowCloudTrail', ...allowAll(['cloudtrail:*']) },
  { Sid: 'AllowCreateLogGroups', ...allowAll(['logs:CreateLogGroup'], ['arn:aws:logs:*:*:log-group:aws-cloudtrail-logs*']) },
  { Sid: 'AllowCreateDeliveryRole', ...allowAll(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy'], ['arn:aws:iam::*:role/service-role/CloudTrailRoleForCloudWatchLogs*']) },
  { Sid: 'AllowReadRoles', ...allowAll(['iam:ListRoles', 'iam:GetRolePolicy', 'iam:GetUser']) },
  {
    Sid: 'AllowPassDeliveryRole',
    ...allowAll(['iam:PassRole'], ['arn:aws:iam::*:role/service-role/CloudTrailRoleForCloudWatchLogs*']),
    Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
  },
  { Sid: 'AllowKeys', ...allowAll(['kms:CreateKey', 'kms:CreateAlias', 'kms:ListKeys', 'kms:ListAliases']) },
  { Sid: 'AllowDataEventSources', ...allowAll(['lambda:ListFunctions', 'dynamodb:ListGlobalTables', 'dynamodb:ListTables']) },
];

const CLOUDTRAIL_READ_ONLY: Statement[] = [
  allowAll(['s3:GetObject', 's3:GetBucketLocation']),
  allowAll(['cloudtrail:Get*', 'cloudtrail:Describe*', 'cloudtrail:List*', 'cloudtrail:LookupEvents']),
];

const IAM_READ_ONLY: Statement[] = [
  allowAll(['iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:Get*', 'iam:List*', 'iam:SimulateCustomPolicy', 'iam:SimulatePrincipalPolicy']),
];

const LAMBDA_LOG_GROUPS = 'arn:aws:logs:*:*:log-group:/aws/lambda/*';

const LAMBDA_READ_ONLY: Statement[] = [
  {
    Sid: 'BaseReadOnlyPermissions',
    ...allowAll([
      'cloudformation:DescribeStacks', 'cloudformation:ListStackResources', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics',
      'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'iam:GetPolicy', 'iam:GetPolicyVersion',
      'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:ListRoles',
      'kms:ListAliases', 'lambda:Get*', 'lambda:List*', 'logs:DescribeLogGroups', 'states:DescribeStateMachine',
      'states:ListStateMachines', 'tag:GetResources',
    ]),
  },
  { Sid: 'LogsReadOnlyPermissions', ...allowAll(['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery'], [LAMBDA_LOG_GROUPS]) },
];

const LAMBDA_FULL_ACCESS: Statement[] = [
  {
    Sid: 'LambdaAndSupportingServices',
    ...allowAll([
      'cloudformation:DescribeStacks', 'cloudformation:ListStackResources', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics',
      'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'iam:GetPolicy', 'iam:GetPolicyVersion',
      'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:ListRoles',
      'kms:ListAliases', 'lambda:*', 'logs:DescribeLogGroups', 's3:ListAllMyBuckets', 'sns:ListTopics', 'sqs:ListQueues',
      'tag:GetResources',
    ]),
  },
  {
    Sid: 'PassExecutionRolesToLambda',
    ...allowAll(['iam:PassRole']),
    Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  },
  { Sid: 'ViewLogs', ...allowAll(['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:StopQuery'], [LAMBDA_LOG_GROUPS]) },
];

const CLOUDWATCH_READ_ONLY: Statement[] = [
  {
    Sid: 'CloudWatchReadOnlyAccessPermissions',
    ...allowAll([
      'application-autoscaling:DescribeScalingPolicies', 'autoscaling:Describe*', 'cloudwatch:BatchGet*', 'cloudwatch:Describe*',
      'cloudwatch:GenerateQuery', 'cloudwatch:Get*', 'cloudwatch:List*', 'logs:Get*', 'logs:List*', 'logs:StartQuery',
      'logs:StopQuery', 'logs:Describe*', 'logs:TestMetricFilter', 'logs:FilterLogEvents', 'oam:ListSinks', 'sns:Get*',
      'sns:List*', 'xray:BatchGet*', 'xray:Get*',
    ]),
  },
  { Sid: 'OAMReadPermissions', ...allowAll(['oam:ListAttachedLinks'], ['arn:aws:oam:*:*:sink/*']) },
];

const SUPPORT_ACCESS: Statement[] = [allowAll(['support:*'])];

function managed(name: string, description: string, statements: Statement[]): ManagedPolicy {
  const document: PolicyDocument = { Version: VERSION, Statement: statements };
  return deepFreeze({ name, arn: `arn:aws:iam::aws:policy/${name}`, path: '/', document, description });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const POLICIES: ManagedPolicy[] = [
  managed('AdministratorAccess', 'Provides full access to AWS services and resources.', ADMINISTRATOR_ACCESS),
  managed('ReadOnlyAccess', 'Provides read-only access to AWS services and resources.', [allowAll(READ_ONLY_ACTIONS)]),
  managed('AWSCloudTrail_FullAccess', 'Provides full access to AWS CloudTrail.', CLOUDTRAIL_FULL_ACCESS),
  managed('AWSCloudTrail_ReadOnlyAccess', 'Provides read only access to AWS CloudTrail.', CLOUDTRAIL_READ_ONLY),
  managed('IAMReadOnlyAccess', 'Provides read only access to IAM via the AWS Management Console.', IAM_READ_ONLY),
  managed('AWSLambda_ReadOnlyAccess', 'Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.', LAMBDA_READ_ONLY),
  managed('AWSLambda_FullAccess', 'Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.', LAMBDA_FULL_ACCESS),
  managed('CloudWatchReadOnlyAccess', 'Provides read only access to CloudWatch.', CLOUDWATCH_READ_ONLY),
  managed('AWSSupportAccess', 'Allows users to access the AWS Support Center.', SUPPORT_ACCESS),
];

export const MANAGED_POLICIES: ReadonlyMap<string, ManagedPolicy> = new Map(POLICIES.map((p) => [p.arn, p]));
