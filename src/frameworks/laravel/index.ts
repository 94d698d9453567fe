import { eolOf } from '../../engine/fixer.js';
import type { FrameworkAdapter } from '../../sources/adapter.js';
import { needAtomicity } from '../../sources/python/common.js';
import type { PhpNode } from '../../sources/php/tree.js';
import type { AnalyzedStatement, Edit, EscapePlan, MigrationUnit } from '../../types.js';
import type { FrameworkModule } from '../types.js';
import { extractLaravel, isLaravelMigration, type LaravelInfo } from './extract.js';

const infoOf = (s: AnalyzedStatement) => (s.item.origin as { info?: LaravelInfo } | undefined)?.info;

/**
 * Gets a statement out of the migration's transaction: `public $withinTransaction = false;` as the class's first
 * member, when nothing else in the migration needs the transaction; a migration of its own otherwise.
 */
function escapeTransaction(stmt: AnalyzedStatement, unit: MigrationUnit, statements: AnalyzedStatement[]): EscapePlan | null {
  const info = infoOf(stmt);
  if (!info) return null;
  const item = stmt.item;
  if (item.kind === 'sql' && item.exec.oneQuery && statements.filter((s) => s.itemIndex === stmt.itemIndex).length > 1) {
    return {
      kind: 'manual',
      help: `One DB::statement / DB::unprepared string runs as one query (a prepared statement refuses several), so give this statement a DB::statement call of its own${item.exec.wrapped ? ' in a migration with public $withinTransaction = false;' : ''}.`,
    };
  }
  if (!item.exec.wrapped) return null;
  const others = needAtomicity(stmt, statements);
  if (others.length) {
    return {
      kind: 'manual',
      help: `${item.exec.reason}. This migration also holds statements that need the transaction (line ${others.map((s) => s.loc.line).join(', ')}), so move this statement into a new migration with public $withinTransaction = false;.`,
    };
  }
  const src = unit.file.text;
  const open = info.body.children[0];
  const firstMember = info.body.children.find((c) => c.named);
  if (!open || src[open.start] !== '{' || !firstMember)
    return { kind: 'manual', help: `${item.exec.reason}. Add public $withinTransaction = false; to the migration class.` };
  const lineStart = src.lastIndexOf('\n', firstMember.start - 1) + 1;
  const indent = src.slice(lineStart, firstMember.start);
  if (!/^[ \t]+$/.test(indent)) return { kind: 'manual', help: `${item.exec.reason}. Add public $withinTransaction = false; to the migration class.` };
  const eol = eolOf(src);
  return {
    kind: 'fix',
    description: 'Add public $withinTransaction = false; to the migration (it holds nothing else that needs a transaction)',
    edits: [{ start: lineStart, end: lineStart, text: `${indent}public $withinTransaction = false;${eol}${eol}` }],
  };
}

/** `DB::statement("SET …");` on its own line before the statement of up() that holds `stmt`. */
function insertBefore(stmt: AnalyzedStatement, sql: string, unit: MigrationUnit): Edit[] | null {
  const node = (stmt.item.origin as { stmt?: PhpNode } | undefined)?.stmt;
  if (!node) return null;
  const src = unit.file.text;
  const lineStart = src.lastIndexOf('\n', node.start - 1) + 1;
  const indent = src.slice(lineStart, node.start);
  // The DB facade must be in scope (imported, or used already through its global alias).
  if (!/^use\s+Illuminate\\Support\\Facades\\DB\s*;/m.test(src) && !/(^|[^\w\\])DB::/.test(src)) return null;
  if (!/^[ \t]*$/.test(indent)) return null;
  const literal = `'${sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [{ start: lineStart, end: lineStart, text: `${indent}DB::statement(${literal});${eolOf(src)}` }];
}

export const laravelAdapter: FrameworkAdapter = {
  id: 'laravel',
  name: 'Laravel',
  commentPrefix: '//',
  extract: extractLaravel,
  escapeTransaction,
  insertBefore,
};

/** `2024_03_15_101500_add_status_to_orders.php`: the date and time that lead the name, as one number. */
function version(name: string): bigint[] | undefined {
  const m = /^(\d{4})_(\d{2})_(\d{2})_(\d{6})_/.exec(name);
  return m ? [BigInt(m.slice(1, 5).join(''))] : undefined;
}

export const laravel: FrameworkModule = {
  id: 'laravel',
  name: 'Laravel',
  language: 'php',
  detect: [
    {
      priority: 955,
      describe: 'a class extending `Migration` with an `up()` method in a `.php` file',
      test: (f) => /\.php$/i.test(f.path) && isLaravelMigration(f.text),
    },
  ],
  discovery: { globs: ['**/database/migrations/**/*.php'], folders: ['database/migrations'], markers: ['artisan'] },
  history: { describe: 'by the date and time that lead the file name (`2024_03_15_101500_…`), then by name', version },
  execution: {
    wraps: 'per-file',
    oneQuery: 'per-chunk',
    summary:
      'On PostgreSQL each migration runs in a transaction; `public $withinTransaction = false;` in the class opts out. `DB::statement` prepares its string (one statement); `DB::unprepared` sends it as one simple query; each Schema builder statement is its own.',
    optOuts: [{ syntax: 'public $withinTransaction = false;', in: 'file' }],
  },
  adapter: laravelAdapter,
  readme: '#laravel',
  fixtures: ['fixtures/frameworks/laravel'],
};
