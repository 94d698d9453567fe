import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../src/cli/discover.js';
import { ConfigResolver } from '../src/config/load.js';
import { jsonSchema } from '../src/config/schema.js';
import { ConfigError } from '../src/config/error.js';
import { validateConfig } from '../src/config/validate.js';
import { tempDirs, write } from './helpers/repo.js';

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

describe('finding the config of a linted file', () => {
  const tmp = tempDirs('migralint-config-search-');
  const found = async (file: string) => {
    const r = await new ConfigResolver().forFile(file);
    return { file: r.file, dir: r.dir, config: r.config };
  };

  it('takes the first of migralint.config.js/.mjs/.json, .migralintrc.json, package.json in a folder', async () => {
    const dir = tmp();
    const sql = write(dir, 'db/001.sql', 'SELECT 1;');
    write(dir, 'package.json', JSON.stringify({ name: 'shop', migralint: { pgVersion: 13 } }));
    expect(await found(sql)).toEqual({ file: path.join(dir, 'package.json'), dir, config: { pgVersion: 13 } });
    write(dir, '.migralintrc.json', JSON.stringify({ pgVersion: 14 }));
    expect((await found(sql)).config).toEqual({ pgVersion: 14 });
    write(dir, 'migralint.config.json', JSON.stringify({ pgVersion: 15 }));
    expect((await found(sql)).config).toEqual({ pgVersion: 15 });
    write(dir, 'migralint.config.mjs', 'export default { pgVersion: 16 };\n');
    expect(await found(sql)).toEqual({ file: path.join(dir, 'migralint.config.mjs'), dir, config: { pgVersion: 16 } });
    write(dir, 'migralint.config.js', 'export default { pgVersion: 17 };\n');
    write(dir, 'package.json', JSON.stringify({ name: 'shop', type: 'module' }));
    expect((await found(sql)).config).toEqual({ pgVersion: 17 });
  });

  it('the nearest folder with a config wins; a package.json without the key, or an empty file, is passed over', async () => {
    const dir = tmp();
    write(dir, '.migralintrc.json', JSON.stringify({ pgVersion: 14 }));
    const sql = write(dir, 'app/db/migrate/001.sql', 'SELECT 1;');
    write(dir, 'app/package.json', JSON.stringify({ name: 'app', migralint: null }));
    write(dir, 'app/db/package.json', JSON.stringify({ name: 'db', migralint: false }));
    write(dir, 'app/db/migrate/.migralintrc.json', '  \n');
    write(dir, 'app/db/migrate/package.json', JSON.stringify({ name: 'migrate' }));
    expect(await found(sql)).toEqual({ file: path.join(dir, '.migralintrc.json'), dir, config: { pgVersion: 14 } });
    write(dir, 'app/db/migralint.config.json', JSON.stringify({ pgVersion: 15 }));
    expect(await found(sql)).toEqual({ file: path.join(dir, 'app/db/migralint.config.json'), dir: path.join(dir, 'app/db'), config: { pgVersion: 15 } });
  });

  it('the folders a walk read tell the search which configs they hold: it finds what the search without them finds', async () => {
    const dir = tmp();
    write(dir, 'migralint.config.json', JSON.stringify({ pgVersion: 13 }));
    write(dir, 'README.md', '# shop\n');
    const files = [
      write(dir, 'db/migrations/20240101_orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY);\n'),
      write(dir, 'billing/migrations/.migralintrc.json', JSON.stringify({ pgVersion: 14 })),
      write(dir, 'billing/migrations/001_invoices.sql', 'CREATE TABLE invoices (id bigint PRIMARY KEY);\n'),
      write(dir, 'shipping/package.json', JSON.stringify({ name: 'shipping', migralint: { pgVersion: 15 } })),
      write(dir, 'shipping/migrations/001_parcels.sql', 'CREATE TABLE parcels (id bigint PRIMARY KEY);\n'),
      write(dir, 'search/package.json', JSON.stringify({ name: 'search' })),
      write(dir, 'search/migrations/001_terms.sql', 'CREATE TABLE terms (id bigint PRIMARY KEY);\n'),
    ].filter((f) => f.endsWith('.sql'));
    const told = new Map<string, string[]>();
    const listing = new ConfigResolver();
    const walked = await discover([dir], dir, {
      listed: (folder, configFiles) => {
        told.set(path.relative(dir, folder), configFiles);
        listing.listed(folder, configFiles);
      },
    });
    expect(walked.files.map((f) => path.relative(dir, f)).sort()).toEqual(files.map((f) => path.relative(dir, f)).sort());
    expect(Object.fromEntries([...told].sort())).toEqual({
      '': ['migralint.config.json'],
      billing: [],
      'billing/migrations': ['.migralintrc.json'],
      db: [],
      'db/migrations': [],
      search: ['package.json'],
      'search/migrations': [],
      shipping: ['package.json'],
      'shipping/migrations': [],
    });
    for (const f of files) {
      const a = await listing.forFile(f);
      const b = await new ConfigResolver().forFile(f);
      expect({ file: a.file, config: a.config }).toEqual({ file: b.file, config: b.config });
    }
    expect(await Promise.all(files.map(async (f) => (await listing.forFile(f)).config.pgVersion))).toEqual([13, 14, 15, 13]);
  });

  it('no config up to the root: none, relative paths against the working folder', async () => {
    const dir = tmp();
    const sql = write(dir, 'db/001.sql', 'SELECT 1;');
    expect(await found(sql)).toEqual({ file: undefined, dir: process.cwd(), config: {} });
  });

  it('a config that cannot be read or parsed is an error naming it, not a reason to look further up', async () => {
    const dir = tmp();
    write(dir, 'migralint.config.json', JSON.stringify({ pgVersion: 15 }));
    const sql = write(dir, 'a/001.sql', 'SELECT 1;');
    write(dir, 'a/.migralintrc.json', '{ "pgVersion": 15, }');
    const bad = new ConfigResolver().forFile(sql);
    await expect(bad).rejects.toBeInstanceOf(ConfigError);
    await expect(bad).rejects.toThrow(`${path.join(dir, 'a/.migralintrc.json')}: not valid JSON`);
    const other = write(dir, 'b/001.sql', 'SELECT 1;');
    mkdirSync(path.join(dir, 'b', 'package.json'));
    await expect(new ConfigResolver().forFile(other)).rejects.toThrow(/EISDIR/);
    const thrower = write(dir, 'c/001.sql', 'SELECT 1;');
    write(dir, 'c/migralint.config.mjs', "throw new Error('no config for you');\n");
    const threw = new ConfigResolver().forFile(thrower);
    await expect(threw).rejects.toBeInstanceOf(ConfigError);
    await expect(threw).rejects.toThrow('no config for you');
  });

  it('an invalid config names its file', async () => {
    const dir = tmp();
    const sql = write(dir, 'db/001.sql', 'SELECT 1;');
    write(dir, 'package.json', JSON.stringify({ name: 'shop', migralint: { pgVersion: 'fifteen' } }));
    await expect(new ConfigResolver().forFile(sql)).rejects.toThrow(`${path.join(dir, 'package.json')}: invalid config`);
  });
});

describe('README', () => {
  it('the rule table is generated from the rules (run `npm run docs` after changing a rule)', async () => {
    const { withRulesTable } = await import('../scripts/readme-rules.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withRulesTable(readme));
  });
});
