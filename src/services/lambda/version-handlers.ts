// The handlers of Lambda's versions and aliases: PublishVersion, ListVersionsByFunction and the
// alias operations. Versions and aliases live inside the function's document, so each change is
// one transaction with the function it belongs to.
import type { CallContext, Handler } from '../../core/service.js';
import { Pages } from '../shared/pagination.js';
import { crossAccountDenied, functionNotFound, invalidParameter, userError } from './errors.js';
import { resolveFunction, type FunctionRef } from './names.js';
import type { FunctionStore, StoredAlias, StoredFunction } from './store.js';
import { aliasArn, aliasesOf, hasVersion, publish, versionsOf, type PublishInput } from './versions.js';

/** Lambda's listings (src/services/shared/pagination.ts): 50 a page whatever MaxItems asks for. */
export const pages = new Pages({
  service: 'lambda', defaultLimit: 50, maxLimit: 50,
  badToken: (operation) => invalidParameter(`Invalid marker: it does not come from a ${operation} response.`),
});

interface AliasInput {
  FunctionName: string;
  Name: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId?: string;
}

/** Version numbers in numeric order. */
export function versionNumbers(fn: StoredFunction): string[] {
  return Object.keys(versionsOf(fn)).sort((a, b) => Number(a) - Number(b));
}

function aliasShape(ref: FunctionRef, a: StoredAlias) {
  return { AliasArn: aliasArn(ref, a.Name), Name: a.Name, FunctionVersion: a.FunctionVersion, Description: a.Description, RoutingConfig: a.RoutingConfig, RevisionId: a.RevisionId };
}

function unqualified(input: { FunctionName: string }, ctx: CallContext, op: string): FunctionRef {
  const ref = resolveFunction(input.FunctionName, ctx);
  if (ref.accountId !== ctx.accountId) throw crossAccountDenied(ctx.principal.arn, op, ref.arn);
  if (ref.qualifier !== undefined) throw invalidParameter(`Unsupported function name: ${input.FunctionName}. ${op} takes an unqualified function name.`);
  return ref;
}

function aliasNotFound(ref: FunctionRef, name: string) {
  return userError('ResourceNotFoundException', `Alias not found: ${aliasArn(ref, name)}`);
}

/** The alias target must exist, and so must every version of its routing weights. */
function checkAliasTarget(fn: StoredFunction, ref: FunctionRef, a: StoredAlias): void {
  if (!hasVersion(fn, a.FunctionVersion)) throw functionNotFound(`${ref.arn}:${a.FunctionVersion}`);
  for (const v of Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {})) {
    if (!versionsOf(fn)[v]) throw functionNotFound(`${ref.arn}:${v}`);
    if (v === a.FunctionVersion) throw invalidParameter('Invalid function version in routing config: an additional version must differ from the primary version.');
  }
}

export function versionHandlers(functions: FunctionStore): Record<string, Handler> {
  const get = async (ref: FunctionRef) => {
    const fn = await functions.get(ref.accountId, ref.region, ref.name);
    if (!fn) throw functionNotFound(ref.arn);
    return fn;
  };
  const change = async (ref: FunctionRef, fnChange: (fn: StoredFunction) => StoredFunction) => {
    const updated = await functions.update(ref.accountId, ref.region, ref.name, fnChange);
    if (!updated) throw functionNotFound(ref.arn);
    return updated.after;
  };
  return {
    async PublishVersion(input: PublishInput & { FunctionName: string }, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'PublishVersion');
      let version = '';
      const after = await change(ref, (cur) => {
        const done = publish(cur, input, ctx);
        version = done.version;
        return done.fn;
      });
      return functions.configurationOf(versionsOf(after)[version]);
    },

    async ListVersionsByFunction(input: { FunctionName: string }, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'ListVersionsByFunction');
      const fn = await get(ref);
      // In version order, $LATEST first: a marker names the last version served, which must still exist.
      const page = pages.list('ListVersionsByFunction', input, ctx, ['$LATEST', ...versionNumbers(fn)], (k) => k, { parent: ref.arn, resume: 'position' });
      return page.output(page.items.map((k) => k === '$LATEST'
        ? { ...functions.configurationOf(fn), FunctionArn: `${ref.arn}:$LATEST` }
        : functions.configurationOf(versionsOf(fn)[k])));
    },

    async CreateAlias(input: AliasInput & { FunctionVersion: string }, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'CreateAlias');
      const alias: StoredAlias = {
        Name: input.Name, FunctionVersion: input.FunctionVersion, Description: input.Description ?? '', RoutingConfig: input.RoutingConfig, RevisionId: ctx.ids.uuid(),
      };
      await change(ref, (cur) => {
        if (aliasesOf(cur)[input.Name]) throw userError('ResourceConflictException', `Alias already exists: ${aliasArn(ref, input.Name)}`);
        checkAliasTarget(cur, ref, alias);
        return { ...cur, aliases: { ...aliasesOf(cur), [input.Name]: alias } };
      });
      return aliasShape(ref, alias);
    },

    async GetAlias(input: AliasInput, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'GetAlias');
      const alias = aliasesOf(await get(ref))[input.Name];
      if (!alias) throw aliasNotFound(ref, input.Name);
      return aliasShape(ref, alias);
    },

    async UpdateAlias(input: AliasInput, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'UpdateAlias');
      let alias: StoredAlias | undefined;
      await change(ref, (cur) => {
        const was = aliasesOf(cur)[input.Name];
        if (!was) throw aliasNotFound(ref, input.Name);
        if (input.RevisionId !== undefined && input.RevisionId !== was.RevisionId) {
          throw userError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
        }
        alias = {
          ...was, FunctionVersion: input.FunctionVersion ?? was.FunctionVersion, Description: input.Description ?? was.Description,
          RoutingConfig: input.RoutingConfig ?? was.RoutingConfig, RevisionId: ctx.ids.uuid(),
        };
        checkAliasTarget(cur, ref, alias);
        return { ...cur, aliases: { ...aliasesOf(cur), [input.Name]: alias } };
      });
      return aliasShape(ref, alias as StoredAlias);
    },

    async DeleteAlias(input: AliasInput, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'DeleteAlias');
      // Lambda answers 204 for an alias (or function) that is not there: deleting is idempotent.
      await functions.update(ref.accountId, ref.region, ref.name, (cur) => {
        const aliases = { ...aliasesOf(cur) };
        delete aliases[input.Name];
        const policies = { ...cur.policies };
        delete policies[input.Name];
        return { ...cur, aliases, policies };
      });
    },

    async ListAliases(input: { FunctionName: string; FunctionVersion?: string }, ctx: CallContext) {
      const ref = unqualified(input, ctx, 'ListAliases');
      const all = aliasesOf(await get(ref));
      const names = Object.keys(all).filter((n) => input.FunctionVersion === undefined || all[n].FunctionVersion === input.FunctionVersion).sort();
      const page = pages.list('ListAliases', input, ctx, names, (n) => n, { parent: ref.arn, resume: 'position' });
      return page.output(page.items.map((n) => aliasShape(ref, all[n])));
    },
  };
}
