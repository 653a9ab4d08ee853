// Tagging Lambda functions: TagResource, UntagResource and ListTags address a function by its full
// ARN. Other taggable Lambda resources (event source mappings, code signing configs) do not exist
// in chattrail, so their ARNs are never found.
import type { CallContext, Handler } from '../../core/service.js';
import { crossAccountDenied, functionNotFound, invalidParameter, userError } from './errors.js';
import { parseFunctionName, type FunctionRef, functionArn } from './names.js';
import type { FunctionStore } from './store.js';
import { mergeTags, removeTags, tagsFromMap, tagsToMap, type TagPolicy } from '../shared/tags.js';

type Tag = { Key: string; Value: string };

/** Lambda's tag rules beyond the model: `aws:` keys are reserved and a function holds at most 50. */
const TAGS: TagPolicy = {
  maxTags: 50,
  replaced: 'in-place',
  errors: {
    reserved: ({ key }) => invalidParameter(`Tag keys starting with "aws:" are reserved for AWS use: ${key}`),
    tooMany: ({ max }) => invalidParameter(`A function can have at most ${max} tags.`),
  },
};

export function checkTags(tags: Record<string, string>): void {
  mergeTags([], tagsFromMap(tags), TAGS);
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
  const changeTags = async (resource: string, ctx: CallContext, op: string, change: (tags: Tag[]) => Tag[]) => {
    const ref = taggedFunction(resource, ctx, op);
    const updated = await functions.update(ref.accountId, ref.region, ref.name, (cur) => ({ ...cur, tags: tagsToMap(change(tagsFromMap(cur.tags))) }));
    if (!updated) throw functionNotFound(ref.arn);
  };
  return {
    async TagResource(input: { Resource: string; Tags: Record<string, string> }, ctx: CallContext) {
      await changeTags(input.Resource, ctx, 'TagResource', (tags) => mergeTags(tags, tagsFromMap(input.Tags), TAGS));
    },

    async UntagResource(input: { Resource: string; TagKeys: string[] }, ctx: CallContext) {
      await changeTags(input.Resource, ctx, 'UntagResource', (tags) => removeTags(tags, input.TagKeys));
    },

    async ListTags(input: { Resource: string }, ctx: CallContext) {
      const ref = taggedFunction(input.Resource, ctx, 'ListTags');
      const fn = await functions.get(ref.accountId, ref.region, ref.name);
      if (!fn) throw functionNotFound(ref.arn);
      return { Tags: fn.tags };
    },
  };
}
