import path from 'node:path';
import { NO_FILES } from '../../fs.js';
import type { ExecutionContext, SourceFile } from '../../types.js';
import type { ExtractContext, FrameworkAdapter } from '../../sources/adapter.js';
import { slice, unit, OWN_MIGRATION } from '../../sources/sql-common.js';

/** Diesel: how it sends a migration to PostgreSQL, and its fixes in its own terms. */

/** Reads metadata.toml's run_in_transaction (a flat TOML file); warns for what cannot be read. */
function dieselMetadataPath(file: SourceFile): string {
  return path.join(path.dirname(path.resolve(file.path)), 'metadata.toml');
}

function dieselMetadata(file: SourceFile, ctx: ExtractContext): boolean | undefined {
  const metaPath = dieselMetadataPath(file);
  // A fix pending in this --fix run may have written it already: the file system shows it.
  const text = (ctx.fs ?? NO_FILES).readFile(metaPath);
  if (text === undefined) return undefined;
  const name = `${path.basename(path.dirname(metaPath))}/metadata.toml`;
  let run: boolean | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    if (/^\[[^\]]+\]$/.test(line)) continue;
    const m = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!m) {
      ctx.warn(`Diesel ${name} line ${i + 1} is not valid TOML: "${line}". Assuming Diesel's default: the migration runs in a transaction.`);
      return undefined;
    }
    if (m[1] === 'run_in_transaction') {
      if (m[2] !== 'true' && m[2] !== 'false') {
        ctx.warn(`Diesel ${name}: run_in_transaction must be true or false, not ${m[2]}. Assuming Diesel's default: the migration runs in a transaction.`);
        return undefined;
      }
      run = m[2] === 'true';
    }
  }
  return run;
}

export const dieselAdapter: FrameworkAdapter = {
  id: 'diesel',
  name: 'Diesel',
  commentPrefix: '--',
  extract(file, ctx) {
    if (path.basename(file.path) === 'down.sql' && !ctx.settings.includeDown) return unit(file, 'diesel', []);
    const run = dieselMetadata(file, ctx);
    const exec: ExecutionContext =
      run === false
        ? { wrapped: false, reason: 'Diesel sends the migration as one query (batch_execute)', oneQuery: true }
        : { wrapped: true, reason: 'Diesel runs each migration in a transaction', oneQuery: true };
    return unit(file, 'diesel', [slice(file, 0, file.text.length, exec)]);
  },
  escapeTransaction(stmt, unit, statements, fs) {
    const dir = path.basename(path.dirname(path.resolve(unit.file.path)));
    if (statements.length > 1) {
      return {
        kind: 'manual',
        help: `Diesel sends a migration as one query, so run_in_transaction = false works only for a migration of one statement. ${OWN_MIGRATION} (diesel migration generate …) with a metadata.toml that says run_in_transaction = false.`,
      };
    }
    if (!stmt.item.exec.wrapped) return null;
    // The statement is the migration's only one: Diesel's own opt-out, in the metadata.toml beside up.sql.
    const metaPath = dieselMetadataPath(unit.file);
    const existing = fs.readFile(metaPath) ?? '';
    const line = 'run_in_transaction = false';
    const text = /^\s*run_in_transaction\s*=.*$/m.test(existing)
      ? existing.replace(/^\s*run_in_transaction\s*=.*$/m, line)
      : `${existing}${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`;
    return { kind: 'fix', description: `Set run_in_transaction = false in ${dir}/metadata.toml`, edits: [], files: [{ path: metaPath, text }] };
  },
};
