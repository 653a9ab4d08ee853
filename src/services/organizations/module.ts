// AWS Organizations (the subset organization trails need) as a feature module: the JSON API,
// recorded as a global service in us-east-1. Membership lives on IAM's Account documents.
import { loadModel } from '../../protocol/model.js';
import type { Module, ModuleDeps } from '../../server/module.js';
import type { ServiceDefinition } from '../types.js';
import { organizationsHandlers } from './handlers.js';
import { OrganizationStore } from './store.js';

export function organizationsModule(deps: ModuleDeps): Module {
  const orgs = new OrganizationStore(deps.stores.documents, deps.identity);
  const service: ServiceDefinition = {
    model: loadModel('organizations'),
    handlers: organizationsHandlers({ orgs, identity: deps.identity, authorizer: deps.authorizer }),
    recording: { eventSource: 'organizations.amazonaws.com', globalRegion: 'us-east-1' },
    // Organizations reports malformed input as InvalidInputException, not ValidationException.
    validationErrorCode: 'InvalidInputException',
  };
  return { name: 'organizations', services: [service] };
}
