// The regions a SigV4 credential scope may name: those of the `aws` partition in the vendored
// endpoints data, and the deployment's own. A call signed for any other name would be served and
// recorded where no Event history view or single-region trail looks.
import { partitionRegions } from '../protocol/model.js';

let regions: Set<string> | undefined;

/** True when `region` is a region of the aws partition, or this deployment's home region. */
export function isSigningRegion(region: string, homeRegion: string): boolean {
  regions ??= new Set(partitionRegions());
  return region === homeRegion || regions.has(region);
}
