/**
 * Django squashed migrations whose originals are gone. The fixture (fixtures/history/django-squashed) is a shop app as
 * `squashmigrations shop 0002 0004` leaves it once the originals are deleted: 0001_initial creates shop_product,
 * 0002_squashed_0004 (replaces 0002-0004) adds a column, an index and widens a decimal, 0005 adds an index later.
 * Django records the squash as applied wherever its originals ran, so it runs only on a new database, in the same
 * `migrate` as 0001_initial: shop_product is empty then. netbox's dcim 0003_squashed_0130 is this shape.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { djangoNewDatabaseOnly, djangoTogether, squashTogether } from '../../src/frameworks/django/history.js';
import { tempDirs } from '../helpers/repo.js';

/** The initial migration ends with a RunPython that creates a product (rows migralint cannot see). */
function addGiftCardRunPython(migrations: string): void {
  const initial = path.join(migrations, '0001_initial.py');
  writeFileSync(
    initial,
    readFileSync(initial, 'utf8')
      .replace(
        'class Migration(',
        'def create_gift_card(apps, schema_editor):\n    apps.get_model("shop", "Product").objects.create(name="Gift card", price=25)\n\n\nclass Migration(',
      )
      .replace(/\n {4}\]\n$/, '\n        migrations.RunPython(create_gift_card, migrations.RunPython.noop),\n    ]\n'),
  );
}

const FIXTURE = path.join(import.meta.dirname, '..', '..', 'fixtures', 'history', 'django-squashed');
const MIGRATIONS = path.join('shop', 'migrations');
const tempDir = tempDirs('migralint-django-squashed-');

/** Lints the Django project in `dir` through the CLI: `file:line rule severity` per finding. */
async function lint(dir: string): Promise<string[]> {
  const { results } = await cliJson(['.', '--no-cache'], dir);
  return results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId} ${m.severity}`)).sort();
}

/** A copy of the fixture, changed by `edit` (which gets the copy's migrations folder). */
function variant(edit: (migrations: string) => void): string {
  const dir = tempDir();
  cpSync(FIXTURE, dir, { recursive: true });
  edit(path.join(dir, MIGRATIONS));
  return dir;
}

const squash = '0002_squashed_0004.py';

describe('Django: a squashed migration whose originals are gone runs only on a new database', () => {
  it('its index and column meet an empty table; the later migration still builds its index on a table with rows', async () => {
    expect(await lint(FIXTURE)).toEqual([
      '0005_product_shop_produc_name_9c3d7e_idx.py:13 require-concurrent-index-creation 2',
      '0005_product_shop_produc_name_9c3d7e_idx.py:13 require-lock-timeout 0',
    ]);
  });

  it('with one original still in the project, a database may have run part of it: the squash is linted as any migration', async () => {
    const dir = variant((m) =>
      writeFileSync(
        path.join(m, '0002_product_sku.py'),
        readFileSync(path.join(FIXTURE, MIGRATIONS, squash), 'utf8')
          .replace(/ {4}replaces = \[[^\]]*\]\n\n/, '')
          .replace(/ {8}migrations\.AddIndex\([\s\S]*$/, '    ]\n'),
      ),
    );
    expect(await lint(dir)).toEqual(expect.arrayContaining([`${squash}:25 require-concurrent-index-creation 2`]));
  });

  it('a RunPython before it may write rows (migralint cannot read Python): the table is no longer known to be empty', async () => {
    const dir = variant((m) => {
      addGiftCardRunPython(m);
    });
    expect(await lint(dir)).toEqual(expect.arrayContaining([`${squash}:25 require-concurrent-index-creation 2`]));
  });

  it('a RemoveIndex of an index the initial migration built: the index is new with its table, no lock_timeout is asked', async () => {
    // netbox dcim 0160_squashed_0166 drops dcim_location_name, an index an earlier migration of the same migrate built.
    const dir = variant((migrations) => {
      const initial = path.join(migrations, '0001_initial.py');
      const text = readFileSync(initial, 'utf8');
      writeFileSync(
        initial,
        text.replace(
          /\n {4}\]\n$/,
          '\n        migrations.AddIndex(\n            model_name="product",\n            index=models.Index(fields=["name"], name="shop_produc_name_1a2b3c_idx"),\n        ),\n    ]\n',
        ),
      );
      const file = path.join(migrations, squash);
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          '    operations = [\n',
          '    operations = [\n        migrations.RemoveIndex(\n            model_name="product",\n            name="shop_produc_name_1a2b3c_idx",\n        ),\n',
        ),
      );
    });
    const found = await lint(dir);
    expect(found.filter((f) => f.startsWith(squash) && f.includes('require-lock-timeout'))).toEqual([]);
  });

  it('runs only on a new database: no lock_timeout is asked, even with its tables possibly filled or not created by the history', async () => {
    // netbox ipam 0054_squashed_0067 (a RunPython earlier leaves its tables possibly filled) and extras 0001_squashed
    // (a new model's foreign key to django.contrib's content types, a table no migration of the project creates).
    const dir = variant((m) => {
      addGiftCardRunPython(m);
      const file = path.join(m, squash);
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace('from django.db import migrations, models\n', 'import django.db.models.deletion\nfrom django.db import migrations, models\n')
          .replace('        ("shop", "0001_initial"),\n', '        ("contenttypes", "0002_remove_content_type_name"),\n        ("shop", "0001_initial"),\n')
          .replace(
            /\n {4}\]\n$/,
            [
              '',
              '        migrations.CreateModel(',
              '            name="Tag",',
              '            fields=[',
              '                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),',
              '                ("object_id", models.PositiveBigIntegerField()),',
              '                ("object_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype")),',
              '            ],',
              '        ),',
              '    ]',
              '',
            ].join('\n'),
          ),
      );
    });
    const found = await lint(dir);
    // The index is still reported (its table may hold the RunPython's rows): only waits for locks are left out.
    expect(found).toEqual(expect.arrayContaining([`${squash}:27 require-concurrent-index-creation 2`]));
    expect(found.filter((f) => f.startsWith(squash) && f.includes('timeout'))).toEqual([]);
    // The same squash with one original still present may run on an existing database: the waits are listed.
    writeFileSync(
      path.join(dir, MIGRATIONS, '0002_product_sku.py'),
      'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n    operations = []\n',
    );
    expect((await lint(dir)).filter((f) => f.startsWith(squash) && f.includes('require-lock-timeout'))).toEqual([`${squash}:21 require-lock-timeout 1`]);
  });

  it('newDatabaseOnly: the squashes whose originals are all gone, RunPython or not', () => {
    const file = (name: string, text: string) => ({ path: `shop/migrations/${name}.py`, text, framework: 'django' as const });
    const squashed =
      'class Migration(migrations.Migration):\n    replaces = [("shop", "0002_a"), ("shop", "0003_b")]\n    operations = [migrations.RunPython(fill)]\n';
    const plain = 'class Migration(migrations.Migration):\n    operations = []\n';
    expect(djangoNewDatabaseOnly([file('0001_initial', plain), file('0002_squashed_0003', squashed)])).toEqual(
      new Set(['shop/migrations/0002_squashed_0003.py']),
    );
    expect(djangoNewDatabaseOnly([file('0001_initial', plain), file('0002_a', plain), file('0002_squashed_0003', squashed)]).size).toBe(0);
  });

  it('the set: every earlier migration back to a RunPython, for squashes only', () => {
    const file = (name: string, text: string) => ({ path: `shop/migrations/${name}.py`, text, framework: 'django' as const });
    const plain = 'class Migration(migrations.Migration):\n    operations = []\n';
    const squashed = 'class Migration(migrations.Migration):\n    replaces = [("shop", "0003_a"), ("shop", "0004_b")]\n    operations = []\n';
    const python = 'class Migration(migrations.Migration):\n    operations = [migrations.RunPython(fill)]\n';
    const history = [
      file('0001_initial', plain),
      file('0002_fill', python),
      file('0003_x', plain),
      file('0003_squashed_0004', squashed),
      file('0005_y', plain),
    ];
    expect(squashTogether(history)).toEqual(new Map([['shop/migrations/0003_squashed_0004.py', ['shop/migrations/0003_x.py']]]));
    // An original still present: no set.
    expect(squashTogether([...history, file('0004_b', plain)]).size).toBe(0);
    // The framework's deployedTogether joins it with the split-initial sets, in history order.
    const initialSquash = 'class Migration(migrations.Migration):\n    initial = True\n    replaces = [("shop", "0001_initial")]\n    operations = []\n';
    const firstRun = [
      file('0001_squashed_0002', initialSquash),
      file('0003_x', plain),
      file('0004_initial', 'class Migration(migrations.Migration):\n    initial = True\n    operations = []\n'),
    ];
    expect(djangoTogether(firstRun)).toEqual(new Map([['shop/migrations/0004_initial.py', ['shop/migrations/0001_squashed_0002.py']]]));
    const later = [...firstRun, file('0005_squashed_0006', squashed.replace('0003_a', '0005_a').replace('0004_b', '0006_b'))];
    expect(djangoTogether(later).get('shop/migrations/0005_squashed_0006.py')).toEqual([
      'shop/migrations/0001_squashed_0002.py',
      'shop/migrations/0003_x.py',
      'shop/migrations/0004_initial.py',
    ]);
  });
});
