/**
 * The session settings a migration tool's configuration sets on every connection (lock_timeout,
 * statement_timeout), found in the project's own files (fixtures/runner-settings/, shaped like real projects') or
 * given in config: require-lock-timeout stays on and says where the bound comes from, and still checks its value.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { settingsFromConfig } from '../src/config/options.js';
import { lintText } from '../src/engine/lint-text.js';
import { memoryFileSystem } from '../src/fs.js';
import { frameworkModule } from '../src/frameworks/index.js';
import { fromOptions, fromSetStatements, fromUrl } from '../src/frameworks/session-settings.js';
import type { FileResult, FrameworkId } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { tempDirs, write } from './helpers/repo.js';

const ROOT = path.join(import.meta.dirname, '..', 'fixtures', 'runner-settings');

async function lintFixture(rel: string, o: { text?: string; severities?: Record<string, 'warn'> } = {}): Promise<FileResult> {
  const file = path.join(ROOT, rel);
  return lintText(o.text ?? readFileSync(file, 'utf8'), { filename: file, severities: o.severities });
}

function timeouts(r: FileResult, rule = 'require-lock-timeout') {
  return r.findings.filter((f) => f.ruleId === rule).map((f) => ({ severity: f.severity, messageId: f.messageId, message: f.message }));
}

const CASES: Array<{ name: string; framework: FrameworkId; migration: string; where: string; value: string }> = [
  {
    name: 'Rails config/database.yml variables: (merged from default)',
    framework: 'rails',
    migration: 'rails/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb',
    where: 'rails/config/database.yml line 6 (variables: lock_timeout)',
    value: '5s',
  },
  {
    name: 'Rails config/initializers/strong_migrations.rb (StrongMigrations.lock_timeout = 10.seconds, as its installer writes)',
    framework: 'rails',
    migration: 'rails-strong-migrations/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb',
    where: 'rails-strong-migrations/config/initializers/strong_migrations.rb line 6 (StrongMigrations.lock_timeout)',
    value: '10s',
  },
  {
    name: "Django settings DATABASES OPTIONS 'options': '-c lock_timeout=…'",
    framework: 'django',
    migration: 'django/orders/migrations/0002_order_fulfilment_status.py',
    where: "django/shop/settings.py line 22 (OPTIONS 'options': -c lock_timeout)",
    value: '4s',
  },
  {
    name: 'Alembic env.py running SET lock_timeout on the migration connection',
    framework: 'alembic',
    migration: 'alembic/migrations/versions/3f2a1c9d8e7b_add_fulfilment_status.py',
    where: 'alembic/migrations/env.py line 31 (SET lock_timeout on the migration connection)',
    value: '3s',
  },
  {
    name: 'Alembic alembic.ini sqlalchemy.url with options=-c lock_timeout=…',
    framework: 'alembic',
    migration: 'alembic-url/migrations/versions/3f2a1c9d8e7b_add_fulfilment_status.py',
    where: 'alembic-url/alembic.ini line 3 (sqlalchemy.url options=-c lock_timeout)',
    value: '2s',
  },
  {
    name: 'knexfile pool.afterCreate running SET',
    framework: 'knex',
    migration: 'knex/migrations/20240311093000_add_fulfilment_status.js',
    where: 'knex/knexfile.js line 10 (pool.afterCreate runs SET lock_timeout)',
    value: '2s',
  },
  {
    name: 'Flyway flyway.initSql',
    framework: 'flyway',
    migration: 'flyway/sql/V7__add_invoice_settled_at.sql',
    where: 'flyway/flyway.conf line 4 (initSql runs SET lock_timeout)',
    value: '5s',
  },
  {
    name: 'Spring Boot application.yml spring.flyway.init-sqls (a YAML list)',
    framework: 'flyway',
    migration: 'flyway-spring/src/main/resources/db/migration/V12__ledger_reconciled_at.sql',
    where: 'flyway-spring/src/main/resources/application.yml line 12 (spring.flyway.init-sqls runs SET lock_timeout)',
    value: '3s',
  },
];

describe('runner settings found in the project (positive)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const r = await lintFixture(c.migration);
      expect(r.framework).toBe(c.framework);
      const shown = path.relative(process.cwd(), path.join(ROOT, c.where)).split(path.sep).join('/');
      expect(timeouts(r)).toEqual([
        {
          severity: 'info',
          messageId: 'runner',
          message: expect.stringContaining(`lock_timeout is ${c.value} for 1 statement(s) that take strong locks`) as string,
        },
      ]);
      expect(timeouts(r)[0]!.message).toContain(`It is set for every migration connection by ${shown}:`);
    });
  }
});

describe('runner settings not found (negative)', () => {
  for (const [name, migration] of [
    ['Rails: variables only in another environment (benchmark), none in production', 'rails-none/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb'],
    [
      'Rails: strong_migrations with its timeout lines commented out (lock_timeout_limit is a check, not a SET)',
      'rails-strong-migrations-commented/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb',
    ],
    ['Django: no OPTIONS options', 'django-none/orders/migrations/0002_order_fulfilment_status.py'],
    ['Alembic: env.py without SET, alembic.ini URL without options', 'alembic-none/migrations/versions/3f2a1c9d8e7b_add_fulfilment_status.py'],
    ['Knex: knexfile without afterCreate', 'knex-none/migrations/20240311093000_add_fulfilment_status.js'],
    ['Flyway: flyway.conf without initSql or options', 'flyway-none/sql/V7__add_invoice_settled_at.sql'],
    ['Flyway in Spring Boot: application.properties without init-sqls', 'flyway-spring-none/src/main/resources/db/migration/V12__ledger_reconciled_at.sql'],
  ] as const) {
    it(name, async () => {
      const r = await lintFixture(migration);
      expect(timeouts(r).map((f) => [f.severity, f.messageId])).toEqual([['warn', 'missing']]);
    });
  }

  it('a SET lock_timeout in a comment of env.py, or outside pool.afterCreate in a knexfile, is not the runner', async () => {
    const fs = memoryFileSystem({
      '/p/migrations/env.py': '# connection.execute(text("SET lock_timeout = \'3s\'"))\nfrom alembic import context\n',
      '/p/migrations/versions/a1_add.py': '',
      '/k/knexfile.js': "module.exports = { client: 'pg', seeds: { sql: \"SET lock_timeout = '2s'\" } };\n",
    });
    expect(frameworkModule('alembic').runnerSettings!('/p/migrations/versions/a1_add.py', fs)).toEqual({});
    expect(frameworkModule('knex').runnerSettings!('/k/migrations/20240101_add.js', fs)).toEqual({});
  });
});

describe('a runner value above lockTimeoutMax is a finding, naming where it is set', () => {
  it('Rails database.yml url with options=-c lock_timeout=30s', async () => {
    const [f] = timeouts(await lintFixture('rails-url/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb'));
    expect(f!.severity).toBe('warn');
    expect(f!.messageId).toBe('tooLong');
    expect(f!.message).toMatch(
      /^lock_timeout is 30s \(set for every migration connection by \S*rails-url\/config\/database\.yml line 12 \(url: options=-c lock_timeout\)\) before 1 statement/,
    );
  });

  it('Flyway conf/flyway.conf url with options=-c lock_timeout=1min', async () => {
    const [f] = timeouts(await lintFixture('flyway-url/sql/V7__add_invoice_settled_at.sql'));
    expect([f!.severity, f!.messageId]).toEqual(['warn', 'tooLong']);
    expect(f!.message).toContain('flyway-url/conf/flyway.conf line 2 (url options=-c lock_timeout)');
  });
});

describe('RESET: a SET run at connect is undone, a connection option is what RESET returns to', () => {
  it('Rails (variables: → SET SESSION at connect): RESET lock_timeout leaves none', async () => {
    const text = [
      'class AddFulfilmentStatusToOrders < ActiveRecord::Migration[7.1]',
      '  def up',
      '    execute "RESET lock_timeout"',
      '    add_column :orders, :fulfilment_status, :string',
      '  end',
      'end',
      '',
    ].join('\n');
    const r = await lintFixture('rails/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb', { text });
    expect(timeouts(r).map((f) => f.messageId)).toEqual(['missing']);
  });

  it("Django (OPTIONS 'options' → a connection option): RESET lock_timeout returns to it", async () => {
    const text = [
      'from django.db import migrations, models',
      '',
      'class Migration(migrations.Migration):',
      '    dependencies = [("orders", "0001_initial")]',
      '    operations = [',
      '        migrations.RunSQL("RESET lock_timeout", reverse_sql=migrations.RunSQL.noop),',
      '        migrations.AddField(model_name="order", name="fulfilment_status", field=models.CharField(max_length=32, null=True)),',
      '    ]',
      '',
    ].join('\n');
    const r = await lintFixture('django/orders/migrations/0002_order_fulfilment_status.py', { text });
    expect(timeouts(r).map((f) => f.messageId)).toEqual(['runner']);
  });
});

describe('statement_timeout from the runner', () => {
  it('Rails: StrongMigrations durations (1.5.seconds, 1.hour with a comment after it) in PostgreSQL units', () => {
    const fs = memoryFileSystem({
      '/app/config/initializers/strong_migrations.rb':
        'StrongMigrations.lock_timeout = 1.5.seconds\nStrongMigrations.statement_timeout = 1.hour # long backfills\n',
      '/app/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb': '',
    });
    const found = frameworkModule('rails').runnerSettings!('/app/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb', fs);
    expect([found.lock_timeout?.value, found.statement_timeout?.value]).toEqual(['1.5s', '1h']);
  });

  it('require-statement-timeout (strict) says where the runner sets it', async () => {
    const r = await lintFixture('django/orders/migrations/0002_order_fulfilment_status.py', { severities: { 'require-statement-timeout': 'warn' } });
    const [f] = timeouts(r, 'require-statement-timeout');
    expect([f!.severity, f!.messageId]).toEqual(['info', 'runner']);
    expect(f!.message).toContain('statement_timeout is 60s for 1 statement(s)');
    const none = await lintFixture('django-none/orders/migrations/0002_order_fulfilment_status.py', { severities: { 'require-statement-timeout': 'warn' } });
    expect(timeouts(none, 'require-statement-timeout').map((x) => x.messageId)).toEqual(['missing']);
  });
});

describe('config lockTimeout / statementTimeout: { setBy: "runner", value }', () => {
  const settingsOf = (config: unknown) => settingsFromConfig(configSchema.parse(config));

  it('quiets the missing finding into an info naming the config, and wins over what the project says', async () => {
    const settings = settingsOf({ lockTimeout: { setBy: 'runner', value: '3s' } });
    const r = await lintText('ALTER TABLE orders ADD COLUMN note text;\n', { settings });
    expect(timeouts(r)).toEqual([
      {
        severity: 'info',
        messageId: 'runner',
        message:
          'lock_timeout is 3s for 1 statement(s) that take strong locks: ALTER TABLE on orders (line 1). It is set for every migration connection by config lockTimeout: none of them waits longer than that for its lock.',
      },
    ]);
    const file = path.join(ROOT, 'rails/db/migrate/20240311093000_add_fulfilment_status_to_orders.rb');
    const rails = await lintText(readFileSync(file, 'utf8'), { filename: file, settings: settingsOf({ lockTimeout: { setBy: 'runner', value: '1s' } }) });
    expect(timeouts(rails)[0]!.message).toContain('lock_timeout is 1s for 1 statement(s)');
  });

  it('still checks the value against lockTimeoutMax', async () => {
    const r = await lintText('ALTER TABLE orders ADD COLUMN note text;\n', { settings: settingsOf({ lockTimeout: { setBy: 'runner', value: '20s' } }) });
    expect(timeouts(r).map((f) => [f.severity, f.messageId])).toEqual([['warn', 'tooLong']]);
    expect(timeouts(r)[0]!.message).toContain('lock_timeout is 20s (set for every migration connection by config lockTimeout) before 1 statement(s)');
    const within = await lintText('ALTER TABLE orders ADD COLUMN note text;\n', {
      settings: settingsOf({ lockTimeout: { setBy: 'runner', value: '20s' }, lockTimeoutMax: '30s' }),
    });
    expect(timeouts(within).map((f) => f.messageId)).toEqual(['runner']);
  });

  it('a SET in the migration still wins over the runner for the statements after it', async () => {
    const settings = settingsOf({ lockTimeout: { setBy: 'runner', value: '3s' } });
    const r = await lintText("SET lock_timeout = '1h';\nALTER TABLE orders ADD COLUMN note text;\n", { settings });
    expect(timeouts(r).map((f) => f.messageId)).toEqual(['tooLong']);
    expect(timeouts(r)[0]!.message).toMatch(/^lock_timeout is 1h before/);
  });

  it('rejects a value PostgreSQL would not read, and a setBy other than "runner"', () => {
    expect(configSchema.safeParse({ lockTimeout: { setBy: 'runner', value: 'five seconds' } }).success).toBe(false);
    expect(configSchema.safeParse({ lockTimeout: { setBy: 'me', value: '5s' } }).success).toBe(false);
    expect(configSchema.safeParse({ statementTimeout: { setBy: 'runner', value: '30s' } }).success).toBe(true);
  });
});

describe('a settings file read for many migrations', () => {
  const files = (options: string): Record<string, string> => ({
    '/srv/shop/manage.py': readFileSync(path.join(ROOT, 'django', 'manage.py'), 'utf8'),
    '/srv/shop/shop/settings.py': `DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "OPTIONS": {"options": "${options}"},\n    }\n}\n`,
  });
  const migration = '/srv/shop/orders/migrations/0002_order_fulfilment_status.py';
  const lockTimeout = (fs: ReturnType<typeof memoryFileSystem>) => frameworkModule('django').runnerSettings!(migration, fs).lock_timeout;

  it('is named from each run directory, and read again when its text changes', () => {
    const fs = memoryFileSystem(files('-c lock_timeout=5s'));
    expect(lockTimeout({ ...fs, cwd: '/srv/shop' })).toEqual({
      value: '5s',
      where: "shop/settings.py line 4 (OPTIONS 'options': -c lock_timeout)",
      connectionOption: true,
    });
    expect(lockTimeout({ ...fs, cwd: '/srv' })?.where).toBe("shop/shop/settings.py line 4 (OPTIONS 'options': -c lock_timeout)");
    expect(lockTimeout({ ...memoryFileSystem(files('-c lock_timeout=7s')), cwd: '/srv/shop' })?.value).toBe('7s');
  });
});

describe('readers', () => {
  it('libpq options, URLs and SET statements', () => {
    expect(fromOptions('-c lock_timeout=4s -c statement_timeout=60s').map((f) => [f.name, f.value])).toEqual([
      ['lock_timeout', '4s'],
      ['statement_timeout', '60s'],
    ]);
    expect(fromOptions('--lock_timeout=500').map((f) => f.value)).toEqual(['500']);
    expect(fromOptions('-c search_path=app').length).toBe(0);
    expect(fromUrl('postgres://u@h/db?sslmode=require&options=-c%20lock_timeout%3D3s').map((f) => f.value)).toEqual(['3s']);
    expect(fromUrl('postgres://u@h/db?application_name=lock_timeout%3D3s')).toEqual([]);
    expect(
      fromSetStatements("SET lock_timeout TO 2000; SET LOCAL statement_timeout = '1s'; SET SESSION statement_timeout = '9s'").map((f) => [f.name, f.value]),
    ).toEqual([
      ['lock_timeout', '2000'],
      ['statement_timeout', '9s'],
    ]);
  });
});

describe('the CLI: config file and cache', () => {
  const tmp = tempDirs('migralint-runner-');
  // The CLI in this process (test/helpers/cli.ts).
  const run = async (args: string[], cwd: string) => {
    const r = await runCli([...args, '--format', 'json'], { cwd });
    const results = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string; severity: number; message: string }> }>;
    return results.flatMap((x) => x.messages).filter((m) => m.ruleId === 'require-lock-timeout');
  };

  it('reads lockTimeout from migralint.config.json', { timeout: 120_000 }, async () => {
    const dir = tmp();
    write(dir, 'db/V1__settled_at.sql', 'ALTER TABLE invoices ADD COLUMN settled_at timestamptz;\n');
    expect((await run(['db', '--no-cache'], dir)).map((m) => m.severity)).toEqual([1]);
    write(dir, 'migralint.config.json', JSON.stringify({ lockTimeout: { setBy: 'runner', value: '4s' } }));
    const [m] = await run(['db', '--no-cache'], dir);
    expect(m!.severity).toBe(0);
    expect(m!.message).toContain('It is set for every migration connection by config lockTimeout');
  });

  it('a warm run sees an edit of config/database.yml (the file is a dependency of the cached result)', { timeout: 120_000 }, async () => {
    const dir = tmp();
    cpSync(path.join(ROOT, 'rails'), dir, { recursive: true });
    const cache = path.join(dir, '.cache');
    expect((await run(['db/migrate', '--cache-location', cache], dir)).map((m) => m.severity)).toEqual([0]);
    const yml = path.join(dir, 'config', 'database.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/ {2}variables:\n(?: {4}.*\n)+/, ''));
    expect((await run(['db/migrate', '--cache-location', cache], dir)).map((m) => m.severity)).toEqual([1]);
  });
});
