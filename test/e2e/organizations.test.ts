// End-to-end: AWS Organizations through the AWS CLI — create an organization, create a member
// account, reach it through OrganizationAccountAccessRole with sts assume-role, and the errors
// and lifecycle around it (member-only views, delete only when empty).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { createAccount } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';
import { OrganizationStore } from '../../src/identity/organizations.js';

describe('organizations', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer(); });
  after(async () => { await srv.stop(); });

  test('create organization and account, then assume OrganizationAccountAccessRole into it', async () => {
    const mgmt = srv.admin.accountId;
    const none = await srv.aws(['organizations', 'describe-organization']);
    assert.equal(cliErrorCode(none), 'AWSOrganizationsNotInUseException');

    const created = await srv.aws(['organizations', 'create-organization', '--feature-set', 'ALL']);
    assert.equal(created.code, 0, created.stderr);
    const org = created.json.Organization;
    assert.match(org.Id, /^o-[a-z0-9]{10}$/);
    assert.equal(org.MasterAccountId, mgmt);
    assert.equal(org.FeatureSet, 'ALL');
    assert.equal(org.Arn, `arn:aws:organizations::${mgmt}:organization/${org.Id}`);
    assert.equal((await srv.aws(['organizations', 'describe-organization'])).json.Organization.Id, org.Id);
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'create-organization'])), 'AlreadyInOrganizationException');
    const roots = (await srv.aws(['organizations', 'list-roots'])).json.Roots;
    assert.match(roots[0].Id, /^r-[a-z0-9]{4}$/);

    const ca = await srv.aws(['organizations', 'create-account', '--email', 'dev@example.com', '--account-name', 'dev']);
    assert.equal(ca.code, 0, ca.stderr);
    const status = ca.json.CreateAccountStatus;
    assert.equal(status.State, 'SUCCEEDED');
    const member = status.AccountId as string;
    assert.match(member, /^\d{12}$/);
    const described = await srv.aws(['organizations', 'describe-create-account-status', '--create-account-request-id', status.Id]);
    assert.equal(described.json.CreateAccountStatus.AccountId, member);
    const dup = await srv.aws(['organizations', 'create-account', '--email', 'dev@example.com', '--account-name', 'dev2']);
    assert.equal(dup.json.CreateAccountStatus.State, 'FAILED');
    assert.equal(dup.json.CreateAccountStatus.FailureReason, 'EMAIL_ALREADY_EXISTS');

    const accounts = (await srv.aws(['organizations', 'list-accounts'])).json.Accounts as { Id: string; Email: string; JoinedMethod: string; Status: string }[];
    assert.deepEqual(accounts.map((a) => a.Id).sort(), [mgmt, member].sort());
    const dev = accounts.find((a) => a.Id === member)!;
    assert.equal(dev.Email, 'dev@example.com');
    assert.equal(dev.JoinedMethod, 'CREATED');
    assert.equal(dev.Status, 'ACTIVE');

    const assumed = await srv.aws(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, '--role-session-name', 'ops']);
    assert.equal(assumed.code, 0, assumed.stderr);
    const c = assumed.json.Credentials;
    const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const who = await srv.aws(['sts', 'get-caller-identity'], { creds });
    assert.equal(who.json.Account, member);
    assert.equal(who.json.Arn, `arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/ops`);

    // A member sees the organization but not its accounts; the management account cannot leave.
    assert.equal((await srv.aws(['organizations', 'describe-organization'], { creds })).json.Organization.Id, org.Id);
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'list-accounts'], { creds })), 'AccessDeniedException');
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'leave-organization'])), 'MasterCannotLeaveOrganizationException');

    // An account outside the organization cannot assume the role.
    const stranger = await createAccount(srv.app.identity, randomIds, systemClock, 'stranger');
    const refused = await srv.aws(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, '--role-session-name', 'intruder'], { creds: stranger });
    assert.equal(cliErrorCode(refused), 'AccessDenied');

    const view = await new OrganizationStore(srv.app.stores.documents, srv.app.identity).organizationOf(member);
    assert.deepEqual(view, { id: org.Id, managementAccountId: mgmt, memberAccountIds: [mgmt, member].sort() });

    const records = (await srv.app.stores.events.readAfter(0, 1000)).map((e) => JSON.parse(e.record));
    const rec = records.find((r) => r.eventName === 'CreateAccount' && !r.errorCode);
    assert.equal(rec.eventSource, 'organizations.amazonaws.com');
    assert.equal(rec.awsRegion, 'us-east-1');
    assert.equal(rec.requestParameters.email, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  });

  test('the organization can be deleted only once its members are gone', async () => {
    const accounts = (await srv.aws(['organizations', 'list-accounts'])).json.Accounts as { Id: string }[];
    const member = accounts.find((a) => a.Id !== srv.admin.accountId)!.Id;
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'delete-organization'])), 'OrganizationNotEmptyException');
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'remove-account-from-organization', '--account-id', '999999999999'])), 'AccountNotFoundException');
    assert.equal((await srv.aws(['organizations', 'remove-account-from-organization', '--account-id', member])).code, 0);
    assert.equal((await srv.aws(['organizations', 'delete-organization'])).code, 0);
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'describe-organization'])), 'AWSOrganizationsNotInUseException');
    const orgs = new OrganizationStore(srv.app.stores.documents, srv.app.identity);
    assert.equal(await orgs.organizationOf(srv.admin.accountId), undefined);
    assert.equal(await orgs.organizationOf(member), undefined);
  });
});
