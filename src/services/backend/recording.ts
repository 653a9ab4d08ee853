// How CloudTrail records the calls of forwarded services: the catalog's eventSource, and where
// CloudTrail's records of a service differ from what the model alone gives, the service's rules.
import type { RecordingRules } from '../../records/rules.js';
import { pinnedRegion } from '../../records/regions.js';
import type { CatalogEntry } from './catalog.js';

export function recordingFor(entry: CatalogEntry): RecordingRules {
  const globalRegion = pinnedRegion(entry.eventSource);
  return { eventSource: entry.eventSource, ...(globalRegion ? { globalRegion } : {}) };
}
