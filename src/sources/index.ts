import type { FrameworkId } from '../types.js';
import type { FrameworkAdapter } from './adapter.js';
import { FRAMEWORKS, frameworkModule } from '../frameworks/index.js';

/**
 * The extract stage's entry points, read from the framework registry (src/frameworks/): a framework is one module
 * there, holding its detection, discovery, history order, execution model, extraction and fix writers.
 */
export { ADAPTERS, DEFAULT_FOLDERS, MIGRATION_GLOBS, MIGRATION_GLOBS_BY_FRAMEWORK, detectFramework, recognise, unrecognised } from '../frameworks/index.js';

export function adapterFor(id: FrameworkId): FrameworkAdapter {
  return frameworkModule(id).adapter;
}

/** The framework names `--framework` and config `frameworks` accept. */
export function knownFrameworks(): FrameworkId[] {
  return FRAMEWORKS.map((m) => m.id);
}
