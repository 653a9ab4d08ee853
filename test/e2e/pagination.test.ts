// The shared paging (src/services/shared/pagination.ts) as the AWS CLI drives it: `--page-size`
// and `--max-items` page through the members the models' paginator files name (the CLI reads the
// same files, so a wrong member name would show here), and a token is refused by another listing
// or another account with the service's own error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserCommand, IAMClient, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, ListAccountsCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from './harness.js';
import { randomIds } from './core-fixtures.js';
import { createAccount } from '../../src/identity/accounts.js';
import { systemClock } from '../../src/common/runtime.js';

const errorName = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);

describe('paging with the AWS CLI', () => {
  let srv: TestServer;
  let iam: IAMClient;
  let orgs: OrganizationsClient;
  let trail: CloudTrailClient;

  before(async () => {
    srv = await startTestServer();
    iam = new IAMClient(srv.sdkConfig('us-east-1'));
    orgs = new OrganizationsClient(srv.sdkConfig('us-east-1'));
    trail = new CloudTrailClient(srv.sdkConfig('us-east-1'));
  });
  after(async () => {
    for (const c of [iam, orgs, trail]) c.destroy();
    await srv.stop();
  });

  /** How many calls of `eventName` Event history holds. */
  async function calls(eventName: string): Promise<number> {
    let n = 0;
    let token: string | undefined;
    do {
      const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], NextToken: token }));
      n += page.Events?.length ?? 0;
      token = page.NextToken;
    } while (token);
    return n;
  }

  test('iam list-users: --page-size follows Marker page by page, --max-items and --starting-token split it', async () => {
    for (const name of ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']) await iam.send(new CreateUserCommand({ UserName: name, Path: '/paged/' }));
    const before = await calls('ListUsers');
    const all = await srv.aws(['iam', 'list-users', '--path-prefix', '/paged/', '--page-size', '2']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(all.json.Users.map((u: { UserName: string }) => u.UserName), ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']);
    assert.equal(await calls('ListUsers') - before, 3, 'pages of 2, 2 and 1');

    const first = await srv.aws(['iam', 'list-users', '--path-prefix', '/paged/', '--page-size', '2', '--max-items', '3']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.json.Users.map((u: { UserName: string }) => u.UserName), ['pg-a', 'pg-b', 'pg-c']);
    assert.ok(first.json.NextToken, 'the CLI offers a token for the rest');
    const rest = await srv.aws(['iam', 'list-users', '--path-prefix', '/paged/', '--page-size', '2', '--starting-token', first.json.NextToken]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.deepEqual(rest.json.Users.map((u: { UserName: string }) => u.UserName), ['pg-d', 'pg-e'], 'resumed mid-page without gaps or repeats');

    // The Marker is ListUsers' own: ListRoles refuses it, and so does ListUsers in another account.
    const page = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    assert.equal(page.IsTruncated, true);
    assert.equal(await errorName(iam.send(new ListRolesCommand({ Marker: page.Marker }))), 'ValidationError');
    const other = await createAccount(srv.app.identity, randomIds, systemClock, 'pager-other');
    const theirs = new IAMClient(srv.sdkConfig('us-east-1', other));
    assert.equal(await errorName(theirs.send(new ListUsersCommand({ Marker: page.Marker }))), 'ValidationError');
    assert.equal((await theirs.send(new ListUsersCommand({}))).IsTruncated, false, 'their own listing still pages');
    theirs.destroy();
    const rejected = await srv.aws(['iam', 'list-users', '--page-size', '1001']);
    assert.notEqual(rejected.code, 0, 'a page size above the model\'s MaxItems maximum is refused');
  });

  test('organizations list-accounts pages by MaxResults/NextToken; a token of ListAccounts is not ListRoots\'', async () => {
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const n of [1, 2, 3]) await orgs.send(new CreateAccountCommand({ Email: `pager${n}@example.com`, AccountName: `pager${n}` }));
    const every = (await orgs.send(new ListAccountsCommand({}))).Accounts!.map((a) => a.Id);
    assert.equal(every.length, 4, 'the management account and three created');

    const all = await srv.aws(['organizations', 'list-accounts', '--page-size', '1']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(all.json.Accounts.map((a: { Id: string }) => a.Id), every);
    const first = await srv.aws(['organizations', 'list-accounts', '--page-size', '1', '--max-items', '2']);
    assert.equal(first.code, 0, first.stderr);
    const rest = await srv.aws(['organizations', 'list-accounts', '--page-size', '1', '--starting-token', first.json.NextToken]);
    assert.deepEqual([...first.json.Accounts, ...rest.json.Accounts].map((a: { Id: string }) => a.Id), every);

    const token = (await orgs.send(new ListAccountsCommand({ MaxResults: 1 }))).NextToken;
    assert.ok(token);
    assert.equal(await errorName(orgs.send(new ListRootsCommand({ NextToken: token }))), 'InvalidInputException');
    assert.equal(await errorName(orgs.send(new ListAccountsCommand({ MaxResults: 21 }))), 'InvalidInputException', 'above the model\'s maximum of 20');
  });

  test('cloudtrail lookup-events pages through the same events whatever the page size', async () => {
    const filter = ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateUser'];
    const whole = await srv.aws(['cloudtrail', 'lookup-events', ...filter]);
    assert.equal(whole.code, 0, whole.stderr);
    const ids = whole.json.Events.map((e: { EventId: string }) => e.EventId);
    assert.equal(ids.length, 5, 'the five CreateUser calls');
    const first = await srv.aws(['cloudtrail', 'lookup-events', ...filter, '--page-size', '2', '--max-items', '3']);
    assert.equal(first.code, 0, first.stderr);
    const rest = await srv.aws(['cloudtrail', 'lookup-events', ...filter, '--page-size', '2', '--starting-token', first.json.NextToken]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.deepEqual([...first.json.Events, ...rest.json.Events].map((e: { EventId: string }) => e.EventId), ids, 'newest first, no gaps, no repeats');
  });
});
