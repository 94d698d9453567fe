import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { joinName } from '../../paths.js';
import { atlasAdapter } from './adapter.js';

export const atlas: FrameworkModule = {
  id: 'atlas',
  name: 'Atlas',
  language: 'sql',
  detect: [{ priority: 640, describe: '`atlas.sum` in the migration folder', test: (f) => isSql(f) && f.fs.exists(joinName(f.dir, 'atlas.sum')) }],
  discovery: { globs: ['**/migrations/*.sql'], folders: ['migrations'] },
  history: { describe: 'by the version that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'no',
    summary: 'Assumes `--tx-mode file` (each file in a transaction, statement by statement); `-- atlas:txmode none` in the header opts out.',
    optOuts: [{ syntax: '-- atlas:txmode none', in: 'file' }],
  },
  adapter: atlasAdapter,
  generatedFrom: () => 'the Atlas schema (then atlas migrate diff)',
  readme: '#atlas',
  fixtures: ['fixtures/frameworks/atlas'],
};
