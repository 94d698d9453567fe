import path from 'node:path';
import { NO_FILES } from '../../fs.js';
import type { ExecutionContext, SourceFile } from '../../types.js';
import type { ExtractContext, FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, option, isBool, harmlessOutside, OWN_MIGRATION } from '../../sources/sql-common.js';

/** Flyway: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

/** Reads `<file>.conf` (Java properties): executeInTransaction, with warnings for what Flyway would reject. */
function flywayConf(file: SourceFile, ctx: ExtractContext): boolean | undefined {
  const confPath = `${path.resolve(file.path)}.conf`;
  // A fix pending in this --fix run may have written it already: the file system shows it.
  const text = (ctx.fs ?? NO_FILES).readFile(confPath);
  if (text === undefined) return undefined;
  const name = `${path.basename(file.path)}.conf`;
  let execute: boolean | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!m) {
      ctx.warn(
        `Flyway script config ${name} line ${i + 1} is not a key=value line: "${line}". Assuming Flyway's default: the migration runs in a transaction.`,
      );
      return undefined;
    }
    if (m[1] === 'executeInTransaction') {
      const v = m[2]!.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') {
        ctx.warn(
          `Flyway script config ${name}: executeInTransaction must be true or false, not "${m[2]}". Assuming Flyway's default: the migration runs in a transaction.`,
        );
        return undefined;
      }
      execute = v === 'true';
    }
  }
  return execute;
}

const FLYWAY_CONCURRENT = /\b(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\b[^;]*?)\s+CONCURRENTLY\b/i;

export const flywayAdapter: FrameworkAdapter = {
  id: 'flyway',
  name: 'Flyway',
  commentPrefix: '--',
  extract(file, ctx) {
    const base = path.basename(file.path);
    if (/^U/i.test(base) && !ctx.settings.includeDown) return unit(file, 'flyway', []);
    const conf = flywayConf(file, ctx);
    const detects = option(ctx, 'flyway', 'detectNonTransactional', isBool, 'true or false') ?? false;
    let exec: ExecutionContext;
    let assumption: string | undefined;
    if (conf === false) exec = { wrapped: false, reason: `${base}.conf sets executeInTransaction=false`, oneQuery: false };
    else if (conf === undefined && detects && FLYWAY_CONCURRENT.test(file.text)) {
      exec = { wrapped: false, reason: 'Flyway runs a migration with CONCURRENTLY outside a transaction', oneQuery: false };
      assumption = 'detects CONCURRENTLY and runs this migration without a transaction (frameworkOptions.flyway.detectNonTransactional = true)';
    } else {
      exec = { wrapped: true, reason: 'Flyway runs each migration in a transaction', oneQuery: false };
      if (conf === undefined && FLYWAY_CONCURRENT.test(file.text)) {
        assumption =
          'this migration runs in a transaction, CONCURRENTLY or not (set frameworkOptions.flyway.detectNonTransactional to true if your Flyway version detects it)';
      }
    }
    return unit(file, 'flyway', [slice(file, 0, file.text.length, exec)], assumption);
  },
  escapeTransaction(stmt, unit, statements, fs) {
    const base = path.basename(unit.file.path);
    const alone = statements.every((s) => s === stmt || harmlessOutside(s));
    const lockNote =
      "With Flyway's transactional lock on (flyway.postgresql.transactional.lock, the default) a concurrent build waits for Flyway's own lock transaction: set it to false.";
    if (!alone) return { kind: 'manual', help: `${OWN_MIGRATION}, then create ${base}.conf beside it with executeInTransaction=false. ${lockNote}` };
    // A suggestion, not a fix: whether the build then runs depends on the transactional lock setting too.
    const confPath = `${path.resolve(unit.file.path)}.conf`;
    const existing = fs.readFile(confPath) ?? '';
    const line = 'executeInTransaction=false';
    const text = /^\s*executeInTransaction\s*[=:].*$/m.test(existing)
      ? existing.replace(/^\s*executeInTransaction\s*[=:].*$/m, line)
      : `${existing}${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`;
    return { kind: 'suggestion', description: `Set executeInTransaction=false in ${base}.conf. ${lockNote}`, edits: [], files: [{ path: confPath, text }] };
  },
};
