import { sequelizeAdapter } from '../../sources/js/frameworks.js';
import { isJs } from '../shared.js';
import type { FrameworkModule } from '../types.js';

export const sequelize: FrameworkModule = {
  id: 'sequelize',
  name: 'Sequelize',
  language: 'js',
  detect: [
    {
      priority: 840,
      describe: '`queryInterface` or an import of sequelize',
      test: (f) => isJs(f) && /\bqueryInterface\b|\bQueryInterface\b|['"]sequelize['"]/.test(f.text),
    },
  ],
  discovery: { globs: ['**/*.{js,cjs,mjs,ts,cts,mts}'], folders: ['migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'none',
    oneQuery: 'per-chunk',
    summary: 'No transaction (umzug runs each migration as written); each `queryInterface.sequelize.query` string is one query.',
    optOuts: [],
  },
  adapter: sequelizeAdapter,
  readme: '#jsts-migration-tools',
  fixtures: ['fixtures/frameworks/sequelize'],
};
