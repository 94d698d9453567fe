import type { ExecutionContext } from '../../types.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, option, OWN_MIGRATION } from '../../sources/sql-common.js';

/** Supabase CLI: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  if (!m) return false;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

export const supabaseAdapter: FrameworkAdapter = {
  id: 'supabase',
  name: 'Supabase CLI',
  commentPrefix: '--',
  extract(file, ctx) {
    const version = option(ctx, 'supabase', 'cliVersion', (v): v is string => typeof v === 'string' && /^v?\d+\.\d+/.test(v), 'a version such as "2.109.0"');
    const modern = version !== undefined && versionAtLeast(version, 2, 109);
    const exec: ExecutionContext = modern
      ? { wrapped: false, reason: 'Supabase CLI 2.109+ runs CONCURRENTLY statements on their own', oneQuery: false }
      : { wrapped: false, reason: 'Supabase CLI sends each migration file as one batch', oneQuery: true };
    return unit(
      file,
      'supabase',
      [slice(file, 0, file.text.length, exec)],
      modern
        ? `CLI ${version} runs CONCURRENTLY statements on their own (frameworkOptions.supabase.cliVersion)`
        : 'a CLI before 2.109, which sends a migration file as one batch (set frameworkOptions.supabase.cliVersion to your version if it is 2.109 or later)',
    );
  },
  escapeTransaction() {
    return {
      kind: 'manual',
      help: `${OWN_MIGRATION} (supabase migration new …), or use Supabase CLI 2.109 or later, which runs CONCURRENTLY statements on their own (and set frameworkOptions.supabase.cliVersion).`,
    };
  },
};
