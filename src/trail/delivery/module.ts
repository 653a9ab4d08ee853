// Placeholder module: replaced by the real implementation in this folder.
import type { Module, ModuleDeps } from '../../server/module.js';

export function trailsModule(_deps: ModuleDeps): Module {
  return { name: 'trails' };
}
