import { scanLineDirectives } from '../engine/directives.js';
import type { FrameworkAdapter } from './adapter.js';

/**
 * Plain SQL run the way `psql -f` runs it: statement by statement, autocommit, unless the file says BEGIN
 * (or config `assumeInTransaction` says the runner wraps the file).
 */
export const psqlAdapter: FrameworkAdapter = {
  id: 'psql',
  name: 'psql',
  commentPrefix: '--',
  extract(file, ctx) {
    const wrapped = ctx.settings.assumeInTransaction === true;
    return {
      file,
      framework: 'psql',
      items: [
        {
          kind: 'sql',
          text: file.text,
          segments: [],
          exec: {
            wrapped,
            reason: wrapped ? 'config assumeInTransaction says the runner wraps each file in a transaction' : 'psql -f runs each statement on its own',
            oneQuery: false,
          },
        },
      ],
      directives: scanLineDirectives(file.text, '--'),
      notes: [],
      assumption: wrapped ? 'each file runs in one transaction (assumeInTransaction)' : undefined,
    };
  },
};
