import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchema } from '../src/config/schema.js';
import { ConfigError } from '../src/config/error.js';
import { validateConfig } from '../src/config/validate.js';

describe('config', () => {
  it('the published JSON Schema is the one generated from the validator (run `npm run schema` after changing it)', () => {
    const published = JSON.parse(readFileSync(new URL('../schema/migralint.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(jsonSchema())));
  });

  it('accepts a full config', () => {
    const c = validateConfig({
      rules: { 'require-lock-timeout': 'off' },
      pgVersion: 16,
      tables: { 'public.orders': { rows: 1e7, bytes: 2e9 } },
      largeTables: ['events'],
      largeTableRows: 5000,
    });
    expect(c.tables?.['public.orders']?.rows).toBe(1e7);
  });

  it('names every problem in one message', () => {
    let err: unknown;
    try {
      validateConfig({ pgVersion: 'fifteen', tables: { orders: { rowz: 3 } }, colour: true }, 'migralint.config.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain('migralint.config.json: invalid config');
    expect(message).toContain('pgVersion');
    expect(message).toContain('tables.orders');
    expect(message).toMatch(/colour/);
  });
});

describe('README', () => {
  it('the rule table is generated from the rules (run `npm run docs` after changing a rule)', async () => {
    const { withRulesTable } = await import('../scripts/readme-rules.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withRulesTable(readme));
  });
});
