// `aws accessanalyzer validate-policy` against chattrail: unknown actions, services and condition
// keys reported as Access Analyzer reports them, while IAM itself keeps accepting them; the call is
// recorded; other Access Analyzer operations answer that chattrail does not implement them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
let srv: TestServer;

before(async () => { srv = await startTestServer(); });
after(async () => { await srv?.stop(); });

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:GetObjects", "apigatewayv2:GET"],
    "Resource": "*",
    "Condition": {"StringEquals": {"s3:x-amz-object-lock-mode": "GOVERNANCE"}}
  }]
}`;

interface Finding { findingType: string; issueCode: string; findingDetails: string; learnMoreLink: string; locations: { path: Record<string, unknown>[]; span: { start: { line: number; column: number; offset: number }; end: { offset: number } } }[] }

test('validate-policy reports unknown actions, services and condition keys with AWS issue codes and locations', async () => {
  const r = await srv.aws(['accessanalyzer', 'validate-policy', '--policy-type', 'IDENTITY_POLICY', '--policy-document', POLICY], { region: 'eu-west-1' });
  assert.equal(r.code, 0, r.stderr);
  const findings = r.json.findings as Finding[];
  assert.deepEqual(findings.map((f) => [f.findingType, f.issueCode]), [
    ['ERROR', 'INVALID_ACTION'], ['ERROR', 'INVALID_SERVICE_IN_ACTION'], ['ERROR', 'INVALID_SERVICE_CONDITION_KEY'],
  ]);
  assert.equal(findings[0].findingDetails, 'The action s3:GetObjects does not exist.');
  assert.deepEqual(findings[0].locations[0].path, [{ value: 'Statement' }, { index: 0 }, { value: 'Action' }, { index: 1 }]);
  const { start, end } = findings[0].locations[0].span;
  assert.equal(POLICY.slice(start.offset, end.offset), '"s3:GetObjects"');
  assert.equal(start.line, 5);
  assert.equal(findings[1].findingDetails, 'The service apigatewayv2 specified in the action does not exist.');
  assert.deepEqual(findings[2].locations[0].path.at(-1), { key: 's3:x-amz-object-lock-mode' });

  // Paged as AWS pages findings.
  const page = await srv.aws(['accessanalyzer', 'validate-policy', '--policy-type', 'IDENTITY_POLICY', '--policy-document', POLICY, '--no-paginate', '--max-results', '2'], { region: 'eu-west-1' });
  assert.equal(page.code, 0, page.stderr);
  assert.equal(page.json.findings.length, 2);
  assert.ok(page.json.nextToken);

  // Recorded in the region it was called in, as a read-only call.
  const events = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ValidatePolicy'], { region: 'eu-west-1' });
  assert.equal(events.code, 0, events.stderr);
  const record = JSON.parse(events.json.Events[0].CloudTrailEvent) as Record<string, unknown>;
  assert.equal(record.eventSource, 'access-analyzer.amazonaws.com');
  assert.equal(record.awsRegion, 'eu-west-1');
  assert.equal(record.readOnly, true);
  assert.equal((record.requestParameters as Record<string, unknown>).policyType, 'IDENTITY_POLICY');
});

test('IAM keeps accepting a policy with an unknown action, as IAM does', async () => {
  const r = await srv.aws(['iam', 'create-policy', '--policy-name', 'typo', '--policy-document', POLICY]);
  assert.equal(r.code, 0, r.stderr);
});

test('a policy that is not JSON, a policy type that does not exist, an operation chattrail does not serve', async () => {
  const bad = await srv.aws(['accessanalyzer', 'validate-policy', '--policy-type', 'IDENTITY_POLICY', '--policy-document', '{"Version": "2012-10-17",']);
  assert.equal(bad.code, 0, bad.stderr);
  assert.equal(bad.json.findings[0].issueCode, 'JSON_SYNTAX_ERROR');
  const type = await srv.aws(['accessanalyzer', 'validate-policy', '--policy-type', 'NOT_A_TYPE', '--policy-document', '{}']);
  assert.equal(cliErrorCode(type), 'ValidationException', type.stderr);
  const other = await srv.aws(['accessanalyzer', 'list-analyzers']);
  assert.notEqual(other.code, 0);
  assert.match(other.stderr, /chattrail does not implement AccessAnalyzer ListAnalyzers yet/);
});

test('`chattrail --version` names the actions and condition keys data', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--version']);
  assert.match(stdout, /\nAWS actions and condition keys: @cloud-copilot\/iam-data \d+\.\d+\.\d+ \(data of \d{4}-\d{2}-\d{2}\)\n$/);
});
