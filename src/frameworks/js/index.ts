import { unknownJsAdapter } from '../../sources/js/unknown.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

/** A JS/TS migration with none of the known tools' signs: an unknown runner, never presented as another tool. */
export const unknownJs: FrameworkModule = {
  id: 'js',
  name: 'unknown JS/TS runner',
  language: 'js',
  detect: [{ priority: 800, describe: 'any other JS/TS migration (a custom runner over slonik, pg …)', test: isJs }],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['migrations'] },
  history: { describe: 'by the version that leads the file name' },
  execution: {
    wraps: 'none',
    oneQuery: 'no',
    summary:
      'Unknown: statement by statement outside a transaction, or each migration in one with `assumeInTransaction: true`; fixes that depend on the runner are suggestions.',
    optOuts: [],
  },
  adapter: unknownJsAdapter,
  readme: '#discovery',
  fixtures: ['fixtures/discovery/slonik-runner'],
};
