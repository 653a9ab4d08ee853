// Tagging Lambda functions: TagResource, UntagResource and ListTags address a function by its full
// ARN. Other taggable Lambda resources (event source mappings, code signing configs) do not exist
// in chattrail, so their ARNs are never found.
import type { CallContext, Handler } from '../types.js';
import { crossAccountDenied, functionNotFound, invalidParameter, userError } from './errors.js';
import { parseFunctionName, type FunctionRef, functionArn } from './names.js';
import type { FunctionStore } from './store.js';

const MAX_TAGS = 50;

/** Lambda's tag rules beyond the model: `aws:` keys are reserved and a function holds at most 50. */
export function checkTags(tags: Record<string, string>): void {
  const reserved = Object.keys(tags).find((k) => k.toLowerCase().startsWith('aws:'));
  if (reserved !== undefined) throw invalidParameter(`Tag keys starting with "aws:" are reserved for AWS use: ${reserved}`);
  if (Object.keys(tags).length > MAX_TAGS) throw invalidParameter(`A function can have at most ${MAX_TAGS} tags.`);
}

function taggedFunction(resource: string, ctx: CallContext, op: string): FunctionRef {
  const notFound = () => userError('ResourceNotFoundException', 'The resource you requested does not exist.');
  if (!/:function:/.test(resource)) throw notFound();
  const parts = parseFunctionName(resource);
  if (!parts?.region || !parts.accountId) throw notFound();
  if (parts.qualifier) throw invalidParameter('Tags are supported only on unqualified function ARNs.');
  if (parts.region !== ctx.region) {
    throw userError('ResourceNotFoundException', `Functions from '${parts.region}' are not reachable in this region ('${ctx.region}')`);
  }
  const arn = functionArn(parts.region, parts.accountId, parts.name);
  if (parts.accountId !== ctx.accountId) throw crossAccountDenied(ctx.principal.arn, op, arn);
  return { name: parts.name, accountId: parts.accountId, region: parts.region, arn };
}

export function tagHandlers(functions: FunctionStore): Record<string, Handler> {
  const changeTags = async (resource: string, ctx: CallContext, op: string, change: (tags: Record<string, string>) => Record<string, string>) => {
    const ref = taggedFunction(resource, ctx, op);
    const updated = await functions.update(ref.accountId, ref.region, ref.name, (cur) => {
      const tags = change({ ...cur.tags });
      checkTags(tags);
      return { ...cur, tags };
    });
    if (!updated) throw functionNotFound(ref.arn);
  };
  return {
    async TagResource(input: { Resource: string; Tags: Record<string, string> }, ctx: CallContext) {
      await changeTags(input.Resource, ctx, 'TagResource', (tags) => ({ ...tags, ...input.Tags }));
    },

    async UntagResource(input: { Resource: string; TagKeys: string[] }, ctx: CallContext) {
      await changeTags(input.Resource, ctx, 'UntagResource', (tags) => {
        for (const k of input.TagKeys) delete tags[k];
        return tags;
      });
    },

    async ListTags(input: { Resource: string }, ctx: CallContext) {
      const ref = taggedFunction(input.Resource, ctx, 'ListTags');
      const fn = await functions.get(ref.accountId, ref.region, ref.name);
      if (!fn) throw functionNotFound(ref.arn);
      return { Tags: fn.tags };
    },
  };
}
