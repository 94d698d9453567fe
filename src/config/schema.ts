import { z } from 'zod';

import { PRESETS } from '../engine/presets.js';
import { SEVERITIES } from './severities.js';

const severity = z.enum(SEVERITIES);
const ruleSetting = z.union([severity, z.tuple([severity]).rest(z.unknown())]);

const tableEntry = z
  .object({
    rows: z.number().nonnegative().optional().describe('Estimated row count (pg_class.reltuples).'),
    bytes: z.number().nonnegative().optional().describe('Total size in bytes (pg_total_relation_size).'),
    partitioned: z.boolean().optional().describe('The table is a partitioned parent (relkind = p).'),
  })
  .strict();

/** A session setting the runner makes: `{ "setBy": "runner", "value": "5s" }`. */
function runnerSetting(name: string, example: string) {
  return z
    .object({
      setBy: z.literal('runner').describe('Who sets it: "runner" (the migration tool\'s connection settings, a wrapper script, the role\'s defaults).'),
      value: z
        .string()
        .regex(/^\s*\d+(?:\.\d+)?\s*(?:us|ms|s|min|h|d)?\s*$/i, `a duration as PostgreSQL reads it for ${name}, e.g. "${example}" or "5000" (ms)`)
        .describe(`The ${name} it sets, e.g. "${example}".`),
    })
    .strict()
    .optional();
}

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    preset: z
      .enum(PRESETS)
      .optional()
      .describe(
        'The rule set to start from: "recommended" (default), "strict" (adds the type-style and policy rules) or "all"; `rules` then adjusts single rules.',
      ),
    rules: z.record(z.string(), ruleSetting).optional().describe('Rule id → "off" | "info" | "warn" | "error".'),
    pgVersion: z.number().int().min(9).max(19).optional().describe('The PostgreSQL major version migrations run on (default 15).'),
    include: z.array(z.string()).optional().describe('Globs (relative to the config file) of the files to lint; others are left out.'),
    exclude: z.array(z.string()).optional().describe('Globs (relative to the config file) of files never to lint.'),
    frameworks: z.record(z.string(), z.string()).optional().describe('Glob → framework id, overriding detection.'),
    frameworkOptions: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe('Per-framework settings, e.g. { "prisma": { "engine": "one-query" } }.'),
    largeTableRows: z.number().int().positive().optional().describe('Rows from which a table counts as large (default 10000).'),
    tables: z.record(z.string(), tableEntry).optional().describe('Known table sizes: { "public.orders": { "rows": 12000000 } }.'),
    largeTables: z.array(z.string()).optional().describe('Tables to treat as large whatever their row count.'),
    stats: z.string().optional().describe('Path to a stats snapshot written by `migralint stats`.'),
    databaseUrl: z.string().optional().describe('Read table sizes from this database (prefer the MIGRALINT_DATABASE_URL environment variable).'),
    baseline: z.string().optional().describe('Migrations up to and including this name or version are deployed and not linted.'),
    startAfter: z.string().optional().describe('Alias of baseline.'),
    assumeInTransaction: z.boolean().optional().describe('Plain SQL files are run inside a transaction by the runner.'),
    lockTimeout: runnerSetting('lock_timeout', '5s').describe(
      'The migration runner sets lock_timeout on every connection it migrates with: { "setBy": "runner", "value": "5s" }. require-lock-timeout then reports no missing lock_timeout (an info finding says where it is set) and still checks the value against lockTimeoutMax. Found by itself in config/database.yml, a strong_migrations initializer, Django OPTIONS, Alembic env.py, a knexfile, flyway.conf; this wins.',
    ),
    statementTimeout: runnerSetting('statement_timeout', '30s').describe(
      'The migration runner sets statement_timeout on every connection it migrates with: { "setBy": "runner", "value": "30s" } (require-statement-timeout then reports none missing).',
    ),
    lockTimeoutMax: z
      .string()
      .optional()
      .describe('The value the require-lock-timeout fix inserts (default "2s"), and the longest lock_timeout it accepts (unset: 10s).'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type RuleSetting = z.infer<typeof ruleSetting>;

export function jsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { target: 'draft-7' });
}
