import path from 'node:path';
import { NO_FILES } from '../../fs.js';
import type { ExecutionContext, SourceFile, SqlChunk } from '../../types.js';
import type { ExtractContext, FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, OWN_MIGRATION } from '../../sources/sql-common.js';
import { shownPath } from '../session-settings.js';

/** Drizzle: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

const DRIZZLE_REASON = 'Drizzle runs all pending migrations in one transaction';

const journalProblems = new Map<string, string | undefined>();

/** What is wrong with a journal's text, judged once per distinct text (every migration beside it asks). */
function journalProblem(text: string): string | undefined {
  if (journalProblems.has(text)) return journalProblems.get(text);
  let problem: string | undefined;
  try {
    const journal = JSON.parse(text) as { entries?: unknown };
    if (!journal || typeof journal !== 'object' || !Array.isArray(journal.entries)) problem = 'it has no "entries" array';
  } catch (e) {
    problem = `it is not valid JSON (${(e as Error).message})`;
  }
  journalProblems.set(text, problem);
  return problem;
}

function checkDrizzleJournal(file: SourceFile, ctx: ExtractContext): void {
  const dir = path.dirname(path.resolve(file.path));
  if (!/^\d{4}_.+\.sql$/.test(path.basename(file.path))) return;
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const text = (ctx.fs ?? NO_FILES).readFile(journalPath);
  if (text === undefined) return;
  const problem = journalProblem(text);
  if (problem) {
    ctx.warn(
      `Drizzle journal ${shownPath(journalPath, ctx.fs)} could not be read: ${problem}. Assuming Drizzle's default: all pending migrations run in one transaction, split on --> statement-breakpoint.`,
    );
  }
}

export const drizzleAdapter: FrameworkAdapter = {
  id: 'drizzle',
  name: 'Drizzle',
  commentPrefix: '--',
  extract(file, ctx) {
    checkDrizzleJournal(file, ctx);
    // drizzle-orm's migrator: sql.split('--> statement-breakpoint'), each part one query, all in one transaction.
    const items: SqlChunk[] = [];
    const marker = '--> statement-breakpoint';
    const exec: ExecutionContext = { wrapped: true, reason: DRIZZLE_REASON, oneQuery: true };
    let at = 0;
    for (;;) {
      const i = file.text.indexOf(marker, at);
      const end = i < 0 ? file.text.length : i;
      items.push(slice(file, at, end, exec));
      if (i < 0) break;
      at = i + marker.length;
    }
    return unit(file, 'drizzle', items);
  },
  escapeTransaction(_stmt, unit, _statements, fs) {
    return {
      kind: 'manual',
      help:
        `${DRIZZLE_REASON} and has no way to run one outside it. ${OWN_MIGRATION} (drizzle-kit generate --custom), ` +
        `run it outside the migrator (psql "$DATABASE_URL" -f ${shownPath(unit.file.path, fs)}), then record it as applied: insert its hash and the journal entry's "when" into drizzle.__drizzle_migrations so drizzle-kit migrate skips it. ` +
        "Do not add COMMIT; before it: that ends Drizzle's transaction and silently breaks the atomicity of the whole run.",
    };
  },
};
