import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { flywayAdapter } from './adapter.js';
import { flywayRunnerSettings } from './runner.js';

const FLYWAY_FILE = /^(?:[VU]\d+(?:[._]\d+)*|R)__.+\.sql$/i;

export const flyway: FrameworkModule = {
  id: 'flyway',
  name: 'Flyway',
  language: 'sql',
  detect: [
    { priority: 570, describe: '`V<n>__name.sql`, `U<n>__name.sql` (undo) or `R__name.sql` (repeatable)', test: (f) => isSql(f) && FLYWAY_FILE.test(f.base) },
  ],
  discovery: { globs: ['**/{V,U,R}*__*.sql'], folders: ['db/migration', 'src/main/resources/db/migration'] },
  history: {
    describe: 'by version (V1.2__ → 1, 2, compared part by part); repeatable R__ migrations after the versioned ones',
    version(name) {
      const m = /^[VB](\d+(?:[._]\d+)*)__/i.exec(name);
      return m ? m[1]!.split(/[._]/).map((x) => BigInt(x)) : undefined;
    },
  },
  execution: {
    wraps: 'per-file',
    oneQuery: 'no',
    summary:
      'Each `V<n>__*.sql` in a transaction; `<file>.sql.conf` with `executeInTransaction=false` opts out; `frameworkOptions: { flyway: { detectNonTransactional: true } }` for versions that run CONCURRENTLY migrations outside a transaction by themselves.',
    optOuts: [
      { syntax: 'executeInTransaction=false', in: 'file' },
      { syntax: 'detectNonTransactional: true', in: 'config' },
    ],
  },
  adapter: flywayAdapter,
  runnerSettings: flywayRunnerSettings,
  readme: '#flyway',
  fixtures: ['fixtures/frameworks/flyway'],
};
