import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../protocol/errors.js';
import type { IdentityStore } from '../../identity/store.js';
import type { CallContext } from '../../core/service.js';
import { ouHandlers } from './ous.js';
import type { OrganizationDoc, OrganizationStore } from '../../identity/organizations.js';

function setup() {
  let doc: OrganizationDoc = {
    id: 'o-abcdefghij', arn: 'arn', featureSet: 'ALL', managementAccountId: '111111111111', managementAccountEmail: 'm@x', rootId: 'r-root',
    createdAt: new Date(0), members: { '111111111111': { joinedAt: new Date(0), joinedMethod: 'INVITED' }, '222222222222': { joinedAt: new Date(0), joinedMethod: 'CREATED' } },
  };
  const orgs = {
    updateOrganization: async (_id: string, fn: (cur: OrganizationDoc | undefined) => OrganizationDoc | undefined) => { doc = fn(doc) ?? doc; return doc; },
  } as unknown as OrganizationStore;
  let n = 0;
  const ctx = { ids: { alnum: () => `ID${++n}ABCDEF`.slice(0, 8) } } as unknown as CallContext;
  const h = ouHandlers({
    orgs, identity: {} as IdentityStore, managed: async () => doc, accountShape: () => ({}),
    page: (items) => ({ slice: items }),
  });
  return { h, ctx, doc: () => doc };
}

const code = (c: string) => (e: unknown) => isAwsError(e) && e.code === c;

test('OUs nest under the root, names are unique per parent, and paths name the chain', async () => {
  const { h, ctx } = setup();
  const prod = (await h.CreateOrganizationalUnit({ ParentId: 'r-root', Name: 'Prod' }, ctx)) as { OrganizationalUnit: { Id: string; Path: string; Arn: string } };
  assert.match(prod.OrganizationalUnit.Id, /^ou-root-[a-z0-9]{8}$/);
  assert.equal(prod.OrganizationalUnit.Arn, `arn:aws:organizations::111111111111:ou/o-abcdefghij/${prod.OrganizationalUnit.Id}`);
  await assert.rejects(h.CreateOrganizationalUnit({ ParentId: 'r-root', Name: 'Prod' }, ctx), code('DuplicateOrganizationalUnitException'));
  await assert.rejects(h.CreateOrganizationalUnit({ ParentId: 'ou-root-zzzzzzzz', Name: 'X' }, ctx), code('ParentNotFoundException'));
  const sub = (await h.CreateOrganizationalUnit({ ParentId: prod.OrganizationalUnit.Id, Name: 'Prod' }, ctx)) as { OrganizationalUnit: { Id: string; Path: string } };
  assert.equal(sub.OrganizationalUnit.Path, `o-abcdefghij/r-root/${prod.OrganizationalUnit.Id}/${sub.OrganizationalUnit.Id}/`);
  await assert.rejects(h.DeleteOrganizationalUnit({ OrganizationalUnitId: prod.OrganizationalUnit.Id }, ctx), code('OrganizationalUnitNotEmptyException'));
});

test('MoveAccount checks source, destination and membership; ListParents and ListChildren follow', async () => {
  const { h, ctx } = setup();
  const ouId = ((await h.CreateOrganizationalUnit({ ParentId: 'r-root', Name: 'Dev' }, ctx)) as { OrganizationalUnit: { Id: string } }).OrganizationalUnit.Id;
  await assert.rejects(h.MoveAccount({ AccountId: '333333333333', SourceParentId: 'r-root', DestinationParentId: ouId }, ctx), code('AccountNotFoundException'));
  await assert.rejects(h.MoveAccount({ AccountId: '222222222222', SourceParentId: 'r-root', DestinationParentId: 'ou-root-nothere1' }, ctx), code('DestinationParentNotFoundException'));
  await assert.rejects(h.MoveAccount({ AccountId: '222222222222', SourceParentId: 'ou-root-nothere1', DestinationParentId: ouId }, ctx), code('SourceParentNotFoundException'));
  await h.MoveAccount({ AccountId: '222222222222', SourceParentId: 'r-root', DestinationParentId: ouId }, ctx);
  await assert.rejects(h.MoveAccount({ AccountId: '222222222222', SourceParentId: ouId, DestinationParentId: ouId }, ctx), code('DuplicateAccountException'));
  assert.deepEqual(await h.ListParents({ ChildId: '222222222222' }, ctx), { Parents: [{ Id: ouId, Type: 'ORGANIZATIONAL_UNIT' }], NextToken: undefined });
  assert.deepEqual(await h.ListParents({ ChildId: ouId }, ctx), { Parents: [{ Id: 'r-root', Type: 'ROOT' }], NextToken: undefined });
  await assert.rejects(h.ListParents({ ChildId: '999999999999' }, ctx), code('ChildNotFoundException'));
  assert.deepEqual(await h.ListChildren({ ParentId: 'r-root', ChildType: 'ACCOUNT' }, ctx), { Children: [{ Id: '111111111111', Type: 'ACCOUNT' }], NextToken: undefined });
  assert.deepEqual(await h.ListChildren({ ParentId: 'r-root', ChildType: 'ORGANIZATIONAL_UNIT' }, ctx), { Children: [{ Id: ouId, Type: 'ORGANIZATIONAL_UNIT' }], NextToken: undefined });
});
