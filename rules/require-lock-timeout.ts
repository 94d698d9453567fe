import { displayName } from '../src/catalog/catalog.js';
import { defineRule } from '../src/engine/rule.js';
import { holdsStrongLock, reportMissingTimeout } from '../src/engine/timeout-rule.js';
import type { AnalyzedStatement } from '../src/types.js';

/** Without config lockTimeoutMax, the longest lock_timeout accepted: teams commonly use 2–10 s. */
const DEFAULT_CEILING = '10s';

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A lock_timeout value in milliseconds, as PostgreSQL reads it ('2s', '1min', 500 = 500 ms); undefined if unreadable. */
export function durationMs(value: string): number | undefined {
  const m = /^\s*'?\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*'?\s*$/i.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]!;
}

/**
 * Which queries queue behind these statements while they wait for their locks: everything behind an ACCESS
 * EXCLUSIVE request, and behind a REINDEX (it waits for ACCESS EXCLUSIVE on each index); writes only behind
 * SHARE, SHARE ROW EXCLUSIVE and EXCLUSIVE (reads go on: their ACCESS SHARE does not conflict with those modes, so
 * they pass the waiting request).
 */
function queueWords(offenders: AnalyzedStatement[]): string {
  const all = new Set<string>();
  const writes = new Set<string>();
  for (const s of offenders) {
    const lock = s.facts.mainLock;
    if (!lock || lock.on !== 'table') continue;
    // blocks lists SELECT for ACCESS EXCLUSIVE, and for REINDEX: it waits for its indexes' ACCESS EXCLUSIVE under the
    // table's SHARE lock, and planning any query on the table locks every index.
    (lock.blocks.includes('SELECT') ? all : writes).add(displayName(lock.relation));
  }
  for (const t of all) writes.delete(t);
  const names = (set: Set<string>) => {
    const list = [...set];
    return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  };
  const parts: string[] = [];
  if (all.size) parts.push(`every query on ${names(all)}, reads included, queues behind it`);
  if (writes.size) parts.push(`writes to ${names(writes)} queue behind it while reads go on`);
  return parts.join('; ') || 'queries on the table queue behind it';
}

export default defineRule({
  meta: {
    id: 'require-lock-timeout',
    description: 'A statement that takes a strong lock on an existing table without lock_timeout can queue every query behind it.',
    category: 'transactions',
    defaultSeverity: 'warn',
    fix: 'safe',
    messages: {
      missing:
        'No lock_timeout is set before {{count}} statement(s) that take strong locks: {{list}}. While such a statement waits for its lock behind a long-running query, {{queue}}.',
      tooLong:
        'lock_timeout is {{value}} before {{count}} statement(s) that take strong locks: {{list}}. That is above the longest accepted ({{max}}, config lockTimeoutMax): while such a statement waits for its lock, {{queue}} for up to {{value}}.',
    },
    docs: {
      what: "Reports, once per migration, the statements that take a SHARE lock or stronger on an existing table while no `lock_timeout` is in effect (`SET`, `SET LOCAL`, `set_config`, tracked through COMMIT, ROLLBACK and RESET) — a new table's foreign key to an existing table included, since it locks the referenced table. The message says what queues: behind an ACCESS EXCLUSIVE request every query, reads included (behind a REINDEX too: under its SHARE lock on the table it waits for ACCESS EXCLUSIVE on each index, and every query's planning locks the indexes); behind SHARE, SHARE ROW EXCLUSIVE or EXCLUSIVE only writes (reads go on). Also reports, once, the statements run under a `lock_timeout` longer than config `lockTimeoutMax` (10s when it is not set).",
      why: 'A lock request waits behind every conflicting lock already held — a long report query, an idle-in-transaction session — and every later request on the table waits behind it. Even a statement that holds its lock for a millisecond can so stall all traffic on the table for as long as the oldest query runs. With `lock_timeout` the migration fails fast and can be retried instead.',
      invalid: [
        {
          code: 'ALTER TABLE orders ADD COLUMN note text;\n',
          fixed: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n",
        },
      ],
      valid: [
        { code: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n" },
        { code: "BEGIN;\nSET LOCAL lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n" },
      ],
      fixSafety:
        "Inserts `SET lock_timeout = '2s';` (config `lockTimeoutMax` sets the value) before the first statement of the chunk, so it is in effect for all of them. It is never inserted into a one-query chunk (a golang-migrate file, a knex.raw string …) that holds a statement that must run alone (CREATE INDEX CONCURRENTLY), nor one holding an index statement another fix may make concurrent in the same --fix run: the SET would make the chunk one implicit transaction and the statement fail. In Alembic and Django migrations it is written as a call of its own before the first statement (`op.execute(\"SET lock_timeout = '2s'\")`, `migrations.RunSQL(\"SET lock_timeout = '2s'\", reverse_sql=migrations.RunSQL.noop)`); JS/TS DSL calls get the advice only.",
      references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT'],
    },
  },
  check(ctx) {
    const offenders = ctx.statements.filter((s) => !s.facts.lockTimeout && holdsStrongLock(s));
    reportMissingTimeout(ctx, {
      setting: 'lock_timeout',
      value: ctx.settings.lockTimeoutValue,
      offenders,
      data: { queue: queueWords(offenders) },
      help: `Start the migration with SET lock_timeout = '${ctx.settings.lockTimeoutValue}'; and retry on timeout.`,
    });
    const maxText = ctx.settings.lockTimeoutMax ?? DEFAULT_CEILING;
    const max = durationMs(maxText);
    if (max === undefined) return;
    const tooLong = ctx.statements.filter((s) => s.facts.lockTimeout && (durationMs(s.facts.lockTimeout) ?? 0) > max && holdsStrongLock(s));
    if (tooLong.length === 0) return;
    const first = tooLong[0]!;
    ctx.report({
      statement: first,
      messageId: 'tooLong',
      data: {
        value: first.facts.lockTimeout!.replace(/^'|'$/g, ''),
        max: maxText,
        count: tooLong.length,
        list:
          tooLong
            .slice(0, 5)
            .map((s) => `${/^\S+(?:\s+\S+)?/.exec(s.sql)![0].replace(/\s+/, ' ')} on ${displayName(s.facts.mainLock!.relation)} (line ${s.loc.line})`)
            .join('; ') + (tooLong.length > 5 ? `; and ${tooLong.length - 5} more` : ''),
        queue: queueWords(tooLong),
      },
      help: `Use SET lock_timeout = '${ctx.settings.lockTimeoutValue}'; and retry on timeout.`,
    });
  },
});
