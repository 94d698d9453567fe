import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ALL_RULE_META, RULES } from '../rules/index.js';
import { listRules } from '../src/cli/explain.js';
import { settingsFromConfig } from '../src/config/options.js';
import { ConfigError } from '../src/config/error.js';
import { validateConfig } from '../src/config/validate.js';
import { lintText } from '../src/engine/lint-text.js';
import { presetOf, presetSeverity } from '../src/engine/presets.js';
import { clearConfigCache } from '../src/eslint/config.js';
import plugin from '../src/eslint/index.js';

const STYLE = ['ban-char-field', 'prefer-bigint-over-smallint', 'prefer-identity', 'prefer-text-field', 'prefer-timestamptz'];

// One migration with something for every type-style rule, on a table created in it.
const TYPES = `CREATE TABLE invoices (
    id serial PRIMARY KEY,
    code char(26) NOT NULL,
    title varchar(200) NOT NULL,
    page_count integer NOT NULL,
    kind smallint NOT NULL,
    issued_at timestamp NOT NULL
);
`;

function ruleIds(findings: Array<{ ruleId: string }>): string[] {
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

describe('presets', () => {
  it('recommended leaves the type-style and policy rules out; strict adds them; all adds the rest', () => {
    const recommended = RULES.filter((r) => presetSeverity(r.meta, 'recommended') !== 'off').map((r) => r.meta.id);
    const strict = RULES.filter((r) => presetSeverity(r.meta, 'strict') !== 'off').map((r) => r.meta.id);
    const all = RULES.filter((r) => presetSeverity(r.meta, 'all') !== 'off').map((r) => r.meta.id);
    for (const id of STYLE) {
      expect(recommended).not.toContain(id);
      expect(strict).toContain(id);
    }
    expect(recommended).toContain('prefer-bigint-over-int');
    expect(strict).toEqual(expect.arrayContaining([...recommended, 'require-table-schema', 'require-statement-timeout']));
    expect(all).toEqual(RULES.map((r) => r.meta.id));
    expect(strict).not.toContain('prefer-robust-stmts');
    // Every rule is in some preset: no rule can only be reached by naming it.
    for (const m of ALL_RULE_META) expect(presetSeverity(m, 'all')).not.toBe('off');
  });

  it('the default preset gives only key columns from the type rules; strict gives every style finding', async () => {
    const byDefault = await lintText(TYPES);
    expect(byDefault.findings.filter((f) => f.ruleId !== 'prefer-bigint-over-int' && f.ruleId !== 'require-table-schema').map((f) => f.ruleId)).toEqual([]);
    expect(byDefault.findings.filter((f) => f.ruleId === 'prefer-bigint-over-int').map((f) => f.loc.line)).toEqual([2]);
    const strict = await lintText(TYPES, { settings: { preset: 'strict' } });
    expect(ruleIds(strict.findings)).toEqual([...STYLE, 'prefer-bigint-over-int', 'require-table-schema'].sort());
    expect(strict.findings.filter((f) => f.ruleId === 'prefer-bigint-over-int').map((f) => f.loc.line)).toEqual([2]);
    expect(strict.findings.find((f) => f.ruleId === 'prefer-bigint-over-int')?.message).toMatch(
      /^Columns invoices\.id \(serial\) and invoices\.page_count \(integer\) are/,
    );
  });

  it('config `rules` adjust single rules on top of the preset', async () => {
    const r = await lintText(TYPES, { settings: { preset: 'strict' }, severities: { 'prefer-text-field': 'off', 'ban-char-field': 'error' } });
    expect(ruleIds(r.findings)).not.toContain('prefer-text-field');
    expect(r.findings.find((f) => f.ruleId === 'ban-char-field')?.severity).toBe('error');
    const one = await lintText(TYPES, { severities: { 'prefer-timestamptz': 'warn' } });
    expect(ruleIds(one.findings)).toEqual(['prefer-bigint-over-int', 'prefer-timestamptz']);
  });

  it('the config key `preset` is validated and reaches the lint settings', () => {
    expect(settingsFromConfig(validateConfig({ preset: 'strict' })).preset).toBe('strict');
    expect(settingsFromConfig(validateConfig({})).preset).toBeUndefined();
    expect(() => validateConfig({ preset: 'migralint:strict' }, 'migralint.config.json')).toThrow(ConfigError);
    try {
      validateConfig({ preset: 'strictest' }, 'migralint.config.json');
    } catch (e) {
      expect((e as Error).message).toMatch(/preset/);
      expect((e as Error).message).toMatch(/recommended|strict|all/);
    }
  });

  it("`migralint rules` shows each rule's preset", () => {
    // The table, then a blank line and the legend of the fix column.
    const lines = listRules(false).split('\n\n')[0]!.split('\n');
    expect(lines).toHaveLength(ALL_RULE_META.length);
    for (const m of ALL_RULE_META) {
      const line = lines.find((l) => l.startsWith(`${m.id} `))!;
      expect(line.split(/\s+/)[1]).toBe(presetOf(m));
    }
  });
});

describe('ESLint configs per preset', () => {
  const configs = plugin.configs as Record<string, any[]>;

  it("configs.recommended, configs.strict and configs.all exist, with migralint's severities of the preset", () => {
    expect(Object.keys(configs).sort()).toEqual(['all', 'recommended', 'strict']);
    expect(configs.recommended![0].rules['migralint/prefer-text-field']).toBe('off');
    expect(configs.strict![0].rules['migralint/prefer-text-field']).toBe('warn');
    expect(configs.strict![0].rules['migralint/require-concurrent-index-creation']).toBe('error');
    expect(configs.all![0].rules['migralint/prefer-robust-stmts']).toBe('warn');
  });

  it('each config lints with its own preset: strict shows the style findings, recommended only key columns', async () => {
    const lint = async (preset: string) => {
      const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: configs[preset] as any });
      const [r] = await eslint.lintText(TYPES, { filePath: 'db/001_invoices.sql' });
      return r!.messages.map((m) => `${m.line}:${m.ruleId}`);
    };
    expect(await lint('recommended')).toEqual(['2:migralint/prefer-bigint-over-int']);
    const strict = await lint('strict');
    // The id and page_count are one statement's columns: one finding, at the first.
    expect(strict.filter((m) => m.endsWith('prefer-bigint-over-int'))).toEqual(['2:migralint/prefer-bigint-over-int']);
    expect(strict).toContain('4:migralint/prefer-text-field');
    expect(strict).toContain('3:migralint/ban-char-field');
  });

  it('size-aware rules under configs.strict: silent on a small table, and a large table named with its rows', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migralint-preset-'));
    mkdirSync(path.join(dir, 'db'));
    writeFileSync(
      path.join(dir, '.migralintrc.json'),
      JSON.stringify({ preset: 'recommended', tables: { orders: { rows: 5_000_000 }, countries: { rows: 250 } } }),
    );
    clearConfigCache();
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: configs.strict as any });
    const [r] = await eslint.lintText('CREATE INDEX orders_at_idx ON orders (created_at);\n', { filePath: path.join(dir, 'db/002_orders_at.sql') });
    const found = r!.messages.find((m) => m.ruleId === 'migralint/require-concurrent-index-creation');
    expect(found?.severity).toBe(2);
    expect(found?.message).toContain('(5.0M rows)');
    const [small] = await eslint.lintText('CREATE INDEX countries_name_idx ON countries (name);\n', { filePath: path.join(dir, 'db/003_countries.sql') });
    expect(small!.messages.map((m) => m.ruleId)).not.toContain('migralint/require-concurrent-index-creation');
  });
});

describe('style rules on ORM initial migrations', () => {
  const INITIAL = `from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                ("issued_at", models.DateTimeField()),
            ],
        ),
    ]
`;
  const LATER = `from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="page_count",
            field=models.IntegerField(default=0),
        ),
    ]
`;

  it('are silent on a Django initial migration, where every table is new and the types come from the models', async () => {
    const r = await lintText(INITIAL, { filename: 'billing/migrations/0001_initial.py', settings: { preset: 'all' } });
    expect(r.findings.filter((f) => [...STYLE, 'prefer-bigint-over-int'].includes(f.ruleId))).toEqual([]);
  });

  it('still report on a later Django migration that adds a column to an existing table', async () => {
    const r = await lintText(LATER, { filename: 'billing/migrations/0002_invoice_page_count.py', settings: { preset: 'strict' } });
    expect(r.findings.map((f) => f.ruleId)).toContain('prefer-bigint-over-int');
  });

  it('still report on a plain SQL first migration: its types are written in the file', async () => {
    const r = await lintText(TYPES, { filename: 'db/migrations/001_init.sql', settings: { preset: 'strict' } });
    expect(ruleIds(r.findings)).toEqual(expect.arrayContaining(STYLE));
  });
});
