import { isSql } from '../shared.js';
import type { FrameworkModule } from '../types.js';
import { supabaseAdapter } from './adapter.js';

export const supabase: FrameworkModule = {
  id: 'supabase',
  name: 'Supabase CLI',
  language: 'sql',
  detect: [{ priority: 580, describe: '`supabase/migrations/*.sql`', test: (f) => isSql(f) && /\/supabase\/migrations\/[^/]+\.sql$/.test(f.posix) }],
  discovery: { globs: ['**/supabase/migrations/*.sql'], folders: ['supabase/migrations'] },
  history: { describe: 'by the timestamp that leads the file name' },
  execution: {
    wraps: 'per-file',
    oneQuery: 'yes',
    summary:
      'A CLI before 2.109 sends each file as one batch, so CONCURRENTLY must be alone in its file; `frameworkOptions: { supabase: { cliVersion: "2.109.0" } }` for newer CLIs, which run CONCURRENTLY on its own.',
    optOuts: [{ syntax: 'cliVersion', in: 'config' }],
  },
  adapter: supabaseAdapter,
  readme: '#supabase-cli',
  fixtures: ['fixtures/frameworks/supabase'],
};
