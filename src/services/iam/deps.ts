// What IAM's handlers are given: the identity store and the caches they keep coherent.
import type { IdentityStore } from '../../identity/store.js';
import type { Authorizer } from '../../auth/authorize.js';
import type { CredentialResolver } from '../../auth/credentials.js';

export interface IamDeps {
  identity: IdentityStore;
  authorizer: Authorizer;
  credentials: CredentialResolver;
}
