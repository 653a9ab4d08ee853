import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyDocument, principalOf, statementOf } from './permissions.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:f';

test('principals are written the way Lambda writes them', () => {
  assert.equal(principalOf('*'), '*');
  assert.deepEqual(principalOf('111122223333'), { AWS: 'arn:aws:iam::111122223333:root' });
  assert.deepEqual(principalOf('arn:aws:iam::111122223333:role/r'), { AWS: 'arn:aws:iam::111122223333:role/r' });
  assert.deepEqual(principalOf('s3.amazonaws.com'), { Service: 's3.amazonaws.com' });
});

test('a statement prints like the AddPermission20150331v2 sample (key order, no Condition when none)', () => {
  const s = statementOf({ FunctionName: 'f', StatementId: 'backdoor', Action: 'lambda:InvokeFunction', Principal: '*' }, FN);
  assert.equal(JSON.stringify(s), `{"Sid":"backdoor","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"${FN}"}`);
});

test('source account and ARN become conditions', () => {
  const s = statementOf({ FunctionName: 'f', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::b', SourceAccount: '123456789012' }, FN);
  assert.deepEqual(s.Condition, { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' } });
  assert.deepEqual(JSON.parse(policyDocument([s])), { Version: '2012-10-17', Id: 'default', Statement: [JSON.parse(JSON.stringify(s))] });
});
