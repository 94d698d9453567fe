/**
 * Django's split first migrations: for an app with none yet, `makemigrations` writes more than one migration when
 * foreign keys between apps must wait for the other app's tables, and marks every one `initial = True`. The fixture
 * (fixtures/history/django-split-initial) is real Django 5.2 output: accounts 0001_initial creates Account,
 * inventory 0001_initial creates Warehouse and StockItem (referencing Account), accounts 0002_initial adds Account's
 * NOT NULL foreign key to Warehouse; 0003_account_region is a later migration. Every database runs the three initial
 * migrations in one `migrate`, so accounts_account is empty when 0002_initial alters it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { fixtureVariant, tempDirs } from '../helpers/repo.js';
import { djangoTogether } from '../../src/frameworks/django/history.js';

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'django-split-initial');
const tempDir = tempDirs('migralint-django-initial-');

/** Lints a Django project through the CLI: `file line rule severity` per finding, per migration. */
async function lint(dir: string): Promise<string[]> {
  const { results } = await cliJson(['.', '--no-cache'], dir);
  return results.flatMap((r) => r.messages.map((m) => `${r.filePath.replace(/.*?(\w+\/migrations\/)/, '$1')}:${m.line} ${m.ruleId} ${m.severity}`)).sort();
}

/** A copy of the fixture with one migration's text changed. */
const variant = (file: string, change: (text: string) => string): string => fixtureVariant(tempDir(), FIXTURE, file, change);

describe('Django: the migrations of an app first makemigrations run deploy together', () => {
  it("a table one initial migration created is empty when the app's next initial migration adds a NOT NULL foreign key to it", async () => {
    // Only the later migration's ADD COLUMN on the existing table has no lock_timeout.
    expect(await lint(FIXTURE)).toEqual(['accounts/migrations/0003_account_region.py:13 require-lock-timeout 1']);
  });

  it('without the mark (a hand-written second migration) the table may hold rows', async () => {
    const dir = variant('accounts/migrations/0002_initial.py', (t) => t.replace('    initial = True\n\n', ''));
    // Two lines up: the mark and the blank line after it are gone.
    expect(await lint(dir)).toEqual(
      expect.arrayContaining([
        'accounts/migrations/0002_initial.py:15 adding-required-field 2',
        'accounts/migrations/0002_initial.py:15 require-lock-timeout 1',
      ]),
    );
  });

  it('a RunPython between them may write rows: the table is no longer known to be empty', async () => {
    const dir = variant('inventory/migrations/0001_initial.py', (t) =>
      t
        .replace(
          'class Migration(',
          'def create_head_office(apps, schema_editor):\n    apps.get_model("inventory", "Warehouse").objects.using(schema_editor.connection.alias).create(name="Head office", manager_id=1)\n\n\nclass Migration(',
        )
        .replace(/\n {4}\]\n$/, '\n        migrations.RunPython(create_head_office, migrations.RunPython.noop),\n    ]\n'),
    );
    expect(await lint(dir)).toEqual(expect.arrayContaining(['accounts/migrations/0002_initial.py:17 adding-required-field 2']));
  });

  it("joins two apps' initial sets when the split proves one run: B's initial runs between two of A's", () => {
    const file = (p: string, deps: string, initial = true) => ({
      path: p,
      text: `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n${initial ? '\n    initial = True\n' : ''}\n    dependencies = [${deps}]\n\n    operations = []\n`,
      framework: 'django' as const,
    });
    const a1 = file('accounts/migrations/0001_initial.py', '');
    const b1 = file('inventory/migrations/0001_initial.py', "('accounts', '0001_initial')");
    const a2 = file('accounts/migrations/0002_initial.py', "('accounts', '0001_initial'), ('inventory', '0001_initial')");
    const together = djangoTogether([a1, b1, a2]);
    // inventory's foreign keys to accounts_account, and accounts 0002's to inventory_warehouse, meet new tables.
    expect(together.get(b1.path)).toEqual([a1.path]);
    expect(together.get(a2.path)).toEqual([a1.path, b1.path]);
    // A new app whose initial migration only references another app's table (an app added to a live project years
    // later is written the same way): not joined, its foreign keys lock a table in use.
    const c1 = file('billing/migrations/0001_initial.py', "('accounts', '0003_account_region')");
    const a3 = file('accounts/migrations/0003_account_region.py', "('accounts', '0002_initial')", false);
    expect(djangoTogether([a1, b1, a2, a3, c1]).get(c1.path)).toBeUndefined();
    // Nor when B's initial does not itself wait for one of A's initial migrations (B may have run long before).
    const b0 = file('inventory/migrations/0001_initial.py', '');
    expect(djangoTogether([b0, a1, a2]).get(b0.path)).toBeUndefined();
    expect(djangoTogether([b0, a1, a2]).get(a2.path)).toEqual([a1.path]);
  });
});
