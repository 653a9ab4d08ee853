// What a forwarded call acts on, for policy evaluation: the ARN the input makes evident, where it
// does; everything else is authorized on `*`, as the service's own actions without a resource are.
import type { ResourceResolver } from '../../core/service.js';
import type { CatalogEntry } from './catalog.js';

/** The service's resolver, or undefined when every operation acts on `*`. */
export function resolverFor(_entry: CatalogEntry): ResourceResolver | undefined {
  return undefined;
}
