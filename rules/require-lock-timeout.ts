import { displayName, tableKey } from '../src/catalog/catalog.js';
import { defineRule } from '../src/engine/rule.js';
import { DEFAULT_LOCK_TIMEOUT_MAX, originWords, reportMissingTimeout, statementList } from '../src/engine/timeout-rule.js';
import type { QualifiedName, TimeoutStatement } from '../src/types.js';
import { listed } from '../src/engine/describe.js';

/** The rule that asks for each statement's CONCURRENTLY form (facts.timeouts[].statements[].weakerForm). */
const OWNER: Record<NonNullable<TimeoutStatement['weakerForm']>, string> = {
  'create-index': 'require-concurrent-index-creation',
  'drop-index': 'require-concurrent-index-deletion',
  reindex: 'require-concurrent-reindex',
};

/**
 * Which queries queue behind these statements while they wait for their locks: everything behind an ACCESS
 * EXCLUSIVE request, and behind a REINDEX (it waits for ACCESS EXCLUSIVE on each index); writes only behind
 * SHARE, SHARE ROW EXCLUSIVE and EXCLUSIVE (reads go on: their ACCESS SHARE does not conflict with those modes, so
 * they pass the waiting request).
 */
function queueWords(offenders: TimeoutStatement[]): string {
  // By table (public."user" and "user" are one), shown as first written.
  const all = new Map<string, string>();
  const writes = new Map<string, string>();
  // A sequence: nextval() takes ROW EXCLUSIVE on it, so every INSERT drawing an id from it waits.
  const draws = new Map<string, string>();
  // The name is written out only for a table not yet listed.
  const add = (to: Map<string, string>, rel: QualifiedName, shown?: string, key = tableKey(rel)) => {
    if (!to.has(key)) to.set(key, shown ?? displayName(rel));
  };
  for (const s of offenders) {
    const lock = s.lock;
    // ACCESS EXCLUSIVE on an index whose table the history does not know (DROP INDEX takes it on the table too):
    // every query on that table plans with the index, so reads queue as well.
    if (lock?.on === 'index' && lock.blocks.includes('SELECT'))
      add(all, lock.relation, `the table of ${displayName(lock.relation)}`, `index:${tableKey(lock.relation)}`);
    if (lock?.on === 'sequence') add(lock.blocks.includes('SELECT') ? all : draws, lock.relation);
    if (!lock || lock.on !== 'table') continue;
    // blocks lists SELECT for ACCESS EXCLUSIVE, and for REINDEX: it waits for its indexes' ACCESS EXCLUSIVE under the
    // table's SHARE lock, and planning any query on the table locks every index.
    add(lock.blocks.includes('SELECT') ? all : writes, lock.relation);
    // A foreign key's other table: the statement waits for its lock too, and the same queue forms there.
    for (const a of s.alsoLocks ?? []) add(a.blocks.includes('SELECT') ? all : writes, a.relation);
  }
  for (const k of all.keys()) writes.delete(k);
  const names = (map: Map<string, string>) => {
    const list = [...map.values()];
    return listed(list);
  };
  const parts: string[] = [];
  if (all.size) parts.push(`every query on ${names(all)}, reads included, queues behind it`);
  if (writes.size) parts.push(`writes to ${names(writes)} queue behind it while reads go on`);
  if (draws.size) parts.push(`every nextval() on ${names(draws)} (an INSERT taking its default) queues behind it`);
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
        'lock_timeout is {{value}}{{origin}} before {{count}} statement(s) that take strong locks: {{list}}. That is above the longest accepted ({{max}}, config lockTimeoutMax): while such a statement waits for its lock, {{queue}} for up to {{value}}.',
      runner:
        'lock_timeout is {{value}} for {{count}} statement(s) that take strong locks: {{list}}. It is set for every migration connection by {{where}}: none of them waits longer than that for its lock.',
    },
    docs: {
      what: "Reports, once per migration, the statements that take a SHARE lock or stronger on an existing table while no `lock_timeout` is in effect (`SET`, `SET LOCAL`, `set_config`, tracked through COMMIT, ROLLBACK and RESET) — judged lock by lock: a new table's foreign key to an existing table (`CREATE TABLE … REFERENCES existing`, or `ALTER TABLE new ADD FOREIGN KEY … REFERENCES existing` as Prisma, Drizzle, Rails, Django and Sequelize write it) is listed with the existing table's SHARE ROW EXCLUSIVE lock, and an existing table's `ADD COLUMN … REFERENCES new` with its ACCESS EXCLUSIVE lock; a key between two tables the migration (or its change) creates is not. A migration the framework runs only on a new database (a Django squash whose originals are gone) is not reported: nothing else uses that database while it runs. A statement whose table locks its transaction already holds as strong (the second DROP INDEX or ALTER TABLE on a table in one transaction) from a listed statement is not listed: it is granted them at once and waits for nothing (unless the statement that took them is a DROP INDEX or CREATE INDEX whose CONCURRENTLY fix would take it out of the transaction, and this one has no such fix: then it would wait itself). The message says what queues: behind an ACCESS EXCLUSIVE request every query, reads included (behind a REINDEX too: under its SHARE lock on the table it waits for ACCESS EXCLUSIVE on each index, and every query's planning locks the indexes); behind SHARE, SHARE ROW EXCLUSIVE or EXCLUSIVE only writes (reads go on). Behind ALTER SEQUENCE's SHARE ROW EXCLUSIVE on a sequence, every `nextval()` on it, so every INSERT that takes its default (reads of the sequence and its table go on). A foreign key's other table is named with its own queue: adding a key waits for SHARE ROW EXCLUSIVE on the referenced table too, dropping one for ACCESS EXCLUSIVE on it. Also reports, once, the statements run under a `lock_timeout` longer than config `lockTimeoutMax` (10s when it is not set). A team whose runner already sets `lock_timeout` on every migration connection says so in config (`\"lockTimeout\": { \"setBy\": \"runner\", \"value\": \"5s\" }`), or migralint finds it in the project's own files: Rails `config/database.yml` (`variables: lock_timeout:` of the production environment, or a `url:` with `options=-c lock_timeout=…`) or `StrongMigrations.lock_timeout = 10.seconds` in config/initializers/strong_migrations.rb, Django settings (`DATABASES … 'OPTIONS': {'options': '-c lock_timeout=…'}`), Alembic `env.py` running `SET lock_timeout` on the migration connection (or `connect_args` options, or `sqlalchemy.url` options in alembic.ini), a knexfile's `pool.afterCreate` running `SET lock_timeout`, and Flyway's `flyway.initSql` or a `flyway.url` with `options=-c lock_timeout=…` (flyway.conf or flyway.toml), or `spring.flyway.init-sqls` in a Spring Boot application.properties / application.yml. The rule then stays on and quiet: one info finding says where the value is set, and a value above `lockTimeoutMax` is still a warning. When every statement listed already has a finding whose fix takes no strong lock (CREATE INDEX, DROP INDEX and REINDEX made CONCURRENTLY take SHARE UPDATE EXCLUSIVE), the finding is info: that fix removes the wait this one warns about (when one of those rules is off, it stays a warning).",
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
    // The analysis groups the statements (facts.timeouts): one finding of each kind, on the first statement it covers.
    for (const s of ctx.statements) {
      for (const f of s.facts.timeouts ?? []) {
        if (f.setting !== 'lock_timeout') continue;
        if (f.kind === 'missing') {
          reportMissingTimeout(ctx, s, f, {
            value: ctx.settings.lockTimeoutValue,
            data: { queue: queueWords(f.statements) },
            help: f.ownedByWeakerLock
              ? 'Each of these statements has a finding of its own whose fix (CONCURRENTLY) takes no strong lock: with that fix, no lock_timeout is needed.'
              : `Start the migration with SET lock_timeout = '${ctx.settings.lockTimeoutValue}'; and retry on timeout.`,
            ...(f.ownedByWeakerLock
              ? { infoWhenOn: [...new Set(f.statements.map((x) => OWNER[x.weakerForm!]))], ownersAt: f.statements.map((x) => x.index) }
              : {}),
          });
        } else if (f.kind === 'too-long') {
          ctx.report({
            statement: s,
            messageId: 'tooLong',
            data: {
              value: f.value!,
              origin: originWords(f.setBy),
              max: ctx.settings.lockTimeoutMax ?? DEFAULT_LOCK_TIMEOUT_MAX,
              count: f.statements.length,
              list: statementList(f.statements, false),
              queue: queueWords(f.statements),
            },
            help:
              f.setBy && 'runner' in f.setBy
                ? `Set lock_timeout to ${ctx.settings.lockTimeoutValue} where the runner sets it (${f.setBy.runner}), and retry on timeout.`
                : `Use SET lock_timeout = '${ctx.settings.lockTimeoutValue}'; and retry on timeout.`,
          });
        } else if (f.setBy && 'runner' in f.setBy) {
          // The runner bounds every lock wait: said once, as info, so a reader sees where the bound comes from.
          ctx.report({
            statement: s,
            messageId: 'runner',
            data: { value: f.value!, where: f.setBy.runner, count: f.statements.length, list: statementList(f.statements, false) },
            info: true,
          });
        }
      }
    }
  },
});
