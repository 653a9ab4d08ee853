// IAM as a ServiceDefinition. Handlers: handlers.ts; recording rules: recording.ts.
import { loadModel } from '../../protocol/model.js';
import type { ServiceDefinition } from '../types.js';
import type { IdentityStore } from './store.js';
import type { Authorizer } from '../../auth/authorize.js';
import type { CredentialResolver } from '../../auth/credentials.js';

export interface IamDeps {
  identity: IdentityStore;
  authorizer: Authorizer;
  credentials: CredentialResolver;
}

export function iamService(_deps: IamDeps): ServiceDefinition {
  return {
    model: loadModel('iam'),
    handlers: {},
    recording: { eventSource: 'iam.amazonaws.com', globalRegion: 'us-east-1' },
  };
}
