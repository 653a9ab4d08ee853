// A custom action whose notification button could never show is refused with the reason, through
// the AWS CLI; one whose criteria name its own variables is accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';

let srv: TestServer;
before(async () => { srv = await startTestServer(); });
after(async () => { await srv?.stop(); });

test('create-custom-action refuses criteria that can never hold, and accepts ones that can', async () => {
  const create = (name: string, attachment: object) => srv.aws(['chatbot', 'create-custom-action', '--action-name', name,
    '--definition', 'CommandText=cloudwatch describe-alarms --alarm-names $name', '--attachments', JSON.stringify([attachment])]);
  const never = await create('never', { NotificationType: 'CloudWatch', ButtonText: 'Describe', Variables: { name: 'event.alarmName' }, Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'alarm' }] });
  assert.equal(cliErrorCode(never), 'InvalidRequestException', never.stderr);
  assert.match(never.stderr, /criterion on the variable alarm, which its Variables do not declare \(name\), so its button would never show/);
  const shown = await create('shown', { NotificationType: 'CloudWatch', ButtonText: 'Describe', Variables: { name: 'event.alarmName' }, Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'name' }] });
  assert.equal(shown.code, 0, shown.stderr);
});
