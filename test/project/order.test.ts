import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderHistory, type HistoryFile } from '../../src/project/order.js';
import type { FrameworkId } from '../../src/types.js';

const f = (path: string, framework: FrameworkId, text = ''): HistoryFile => ({ path, framework, text });
const none = () => undefined;

const alembic = (rev: string, down: string, extra = '') =>
  `"""${rev}"""\nfrom alembic import op\n\nrevision = '${rev}'\ndown_revision = ${down}\n${extra}\n\ndef upgrade():\n    pass\n`;
const django = (deps: string) =>
  `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [\n${deps}\n    ]\n\n    operations = []\n`;

describe('history order', () => {
  it('orders versioned file names numerically, not as text (goose, golang-migrate), down files left out', () => {
    const h = orderHistory(
      [
        f('db/10_c.sql', 'goose'),
        f('db/9_b.sql', 'goose'),
        f('db/1_a.sql', 'goose'),
        f('m/2_x.down.sql', 'golang-migrate'),
        f('m/2_x.up.sql', 'golang-migrate'),
        f('m/1_y.up.sql', 'golang-migrate'),
      ],
      none,
    );
    expect(h.projects.map((p) => p.files)).toEqual([
      ['db/1_a.sql', 'db/9_b.sql', 'db/10_c.sql'],
      ['m/1_y.up.sql', 'm/2_x.up.sql'],
    ]);
    expect(h.warnings).toEqual([]);
  });

  it('orders Flyway versions part by part, repeatable migrations last', () => {
    const h = orderHistory(
      [f('sql/V1.10__c.sql', 'flyway'), f('sql/R__views.sql', 'flyway'), f('sql/V1.2__b.sql', 'flyway'), f('sql/V1__a.sql', 'flyway')],
      none,
    );
    expect(h.projects[0]!.files).toEqual(['sql/V1__a.sql', 'sql/V1.2__b.sql', 'sql/V1.10__c.sql', 'sql/R__views.sql']);
  });

  it('orders Diesel and Prisma by folder, Drizzle by its journal (warning on a file it does not list), sqitch by its plan', () => {
    const diesel = orderHistory(
      [
        f('migrations/2024-02-10-083000_b/up.sql', 'diesel'),
        f('migrations/2024-02-01-101500_a/up.sql', 'diesel'),
        f('migrations/2024-02-01-101500_a/down.sql', 'diesel'),
      ],
      none,
    );
    expect(diesel.projects[0]!.files).toEqual(['migrations/2024-02-01-101500_a/up.sql', 'migrations/2024-02-10-083000_b/up.sql']);
    const journal = JSON.stringify({
      entries: [
        { idx: 0, tag: '0000_init' },
        { idx: 1, tag: '0001_zeta' },
        { idx: 2, tag: '0002_alpha' },
      ],
    });
    const drizzle = orderHistory(
      [
        f('drizzle/0002_alpha.sql', 'drizzle'),
        f('drizzle/0001_zeta.sql', 'drizzle'),
        f('drizzle/0000_init.sql', 'drizzle'),
        f('drizzle/0003_stray.sql', 'drizzle'),
      ],
      (p) => (p === 'drizzle/meta/_journal.json' ? journal : undefined),
    );
    expect(drizzle.projects[0]!.files).toEqual(['drizzle/0000_init.sql', 'drizzle/0001_zeta.sql', 'drizzle/0002_alpha.sql', 'drizzle/0003_stray.sql']);
    expect(drizzle.warnings).toEqual([
      { file: 'drizzle/0003_stray.sql', message: expect.stringContaining('not listed in meta/_journal.json'), notRunByTool: true },
    ]);
    const plan =
      '%syntax-version=1.0.0\n%project=flipr\n\nusers 2024-01-11T10:00:00Z Marge <m@example.com> # users\nappschema 2024-01-10T10:00:00Z Marge <m@example.com> # schema\n@v1 2024-01-12T10:00:00Z Marge <m@example.com>\n';
    const sqitch = orderHistory([f('sq/deploy/appschema.sql', 'sqitch'), f('sq/deploy/users.sql', 'sqitch'), f('sq/revert/users.sql', 'sqitch')], (p) =>
      p === 'sq/sqitch.plan' ? plan : undefined,
    );
    expect(sqitch.projects[0]!.files).toEqual(['sq/deploy/users.sql', 'sq/deploy/appschema.sql']);
  });

  it('follows the Alembic revision graph: a branch and its merge, whatever the file names', () => {
    const files = [
      f('v/z_base.py', 'alembic', alembic('aaa', 'None')),
      f('v/y_left.py', 'alembic', alembic('bbb', "'aaa'")),
      f('v/x_right.py', 'alembic', alembic('ccc', "'aaa'")),
      f('v/a_merge.py', 'alembic', alembic('ddd', "('bbb',\n    'ccc')")),
    ];
    const h = orderHistory(files, none);
    expect(h.warnings).toEqual([]);
    const order = h.projects[0]!.files;
    expect(order[0]).toBe('v/z_base.py');
    expect(order.at(-1)).toBe('v/a_merge.py');
    expect(order.indexOf('v/y_left.py')).toBeGreaterThan(0);
  });

  it('follows depends_on and branch labels, and warns on two heads, a missing parent and a cycle, naming the file', () => {
    const labelled = orderHistory(
      [f('v/b.py', 'alembic', alembic('b1', 'None', "branch_labels = ('billing',)")), f('v/a.py', 'alembic', alembic('a1', 'None', "depends_on = 'billing'"))],
      none,
    );
    expect(labelled.projects[0]!.files).toEqual(['v/b.py', 'v/a.py']);
    expect(labelled.warnings).toEqual([]);

    const heads = orderHistory(
      [f('v/1.py', 'alembic', alembic('r1', 'None')), f('v/2.py', 'alembic', alembic('r2', "'r1'")), f('v/3.py', 'alembic', alembic('r3', "'r1'"))],
      none,
    );
    expect(heads.warnings).toEqual([{ file: 'v/3.py', message: expect.stringContaining('2 heads (r2, r3)') }]);
    expect(heads.projects[0]!.files).toHaveLength(3);

    const missing = orderHistory([f('v/2.py', 'alembic', alembic('r2', "'r1'"))], none);
    expect(missing.warnings).toEqual([{ file: 'v/2.py', message: expect.stringContaining('names r1 as its parent, but no migration here defines r1') }]);

    const cycle = orderHistory([f('v/1.py', 'alembic', alembic('r1', "'r2'")), f('v/2.py', 'alembic', alembic('r2', "'r1'"))], none);
    expect(cycle.warnings).toEqual([{ file: expect.stringMatching(/v\/[12]\.py/), message: expect.stringContaining('cycle') }]);
    expect(cycle.projects[0]!.files.sort()).toEqual(['v/1.py', 'v/2.py']);
  });

  it('follows Django dependencies across apps, ignores apps outside the project, and warns on a missing or cyclic one', () => {
    const files = [
      f(
        'shop/orders/migrations/0001_initial.py',
        'django',
        django(
          "        ('customers', '0002_email'),\n        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n        ('auth', '0012_alter_user_first_name_max_length'),",
        ),
      ),
      f('shop/customers/migrations/0001_initial.py', 'django', django('')),
      f('shop/customers/migrations/0002_email.py', 'django', django("        ('customers', '0001_initial'),")),
      f('shop/orders/migrations/0002_note.py', 'django', django("        ('orders', '0001_initial'),")),
    ];
    const h = orderHistory(files, none);
    expect(h.warnings).toEqual([]);
    expect(h.projects[0]!.files).toEqual([
      'shop/customers/migrations/0001_initial.py',
      'shop/customers/migrations/0002_email.py',
      'shop/orders/migrations/0001_initial.py',
      'shop/orders/migrations/0002_note.py',
    ]);

    // A dependency on a migration file without a number (saleor's checkout/migrations/fix_empty_data_in_lines.py):
    // not discovered, but there, so its own dependencies order the migration that names it.
    const unnumbered = orderHistory(
      [
        f('shop/cart/migrations/0001_initial.py', 'django', django('')),
        f('shop/cart/migrations/0001_auto_20170113_0435.py', 'django', django("        ('cart', 'fix_empty_data_in_lines'),")),
        f('shop/cart/migrations/0002_auto_20170206_0407.py', 'django', django("        ('cart', '0001_auto_20170113_0435'),")),
      ],
      (p) => (p.replace(/\\/g, '/') === 'shop/cart/migrations/fix_empty_data_in_lines.py' ? django("        ('cart', '0001_initial'),") : undefined),
    );
    expect(unnumbered.warnings).toEqual([]);
    expect(unnumbered.projects[0]!.files).toEqual([
      'shop/cart/migrations/0001_initial.py',
      'shop/cart/migrations/0001_auto_20170113_0435.py',
      'shop/cart/migrations/0002_auto_20170206_0407.py',
    ]);

    const broken = orderHistory(
      [
        f('a/migrations/0001_initial.py', 'django', django("        ('a', '0002_next'),")),
        f('a/migrations/0002_next.py', 'django', django("        ('a', '0001_initial'),\n        ('a', '0003_missing'),")),
      ],
      none,
    );
    expect(
      broken.warnings.map((w) => [w.file, w.message.includes('cycle') ? 'cycle' : w.message.includes('not in a/migrations') ? 'missing' : w.message]),
    ).toEqual(
      expect.arrayContaining([
        ['a/migrations/0002_next.py', 'missing'],
        [expect.stringMatching(/^a\/migrations\/000[12]/), 'cycle'],
      ]),
    );
  });

  it("swappable_dependency(settings.AUTH_USER_MODEL) depends on the first migration of the user model's app, as the settings name it", () => {
    // netbox: manage.py names netbox.settings, which sets AUTH_USER_MODEL = 'users.User'; dcim's first migration
    // adds foreign keys to the user table, so it waits for users' first migration (file-name order would not).
    const root = path.resolve('/srv/netbox/netbox');
    const at = (p: string) => path.join(root, p);
    const project: Record<string, string> = {
      [at('manage.py')]:
        "#!/usr/bin/env python3\nimport os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'netbox.settings')\n",
      [at('netbox/settings.py')]: "import os\n\nfrom django.contrib.messages import constants as messages\n\nAUTH_USER_MODEL = 'users.User'\n",
    };
    const read = (p: string) => project[path.resolve(p)];
    const files = [
      f(
        at('dcim/migrations/0001_initial.py'),
        'django',
        `from django.conf import settings\n${django("        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n        ('tenancy', '0001_initial'),")}`,
      ),
      f(at('tenancy/migrations/0001_initial.py'), 'django', django('')),
      // The user model's own app says it too (netbox's users/0001_squashed_0011): Django ignores it there.
      f(
        at('users/migrations/0001_initial.py'),
        'django',
        django("        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n        ('auth', '0012_alter_user_first_name_max_length'),"),
      ),
      f(at('users/migrations/0002_squashed_0004.py'), 'django', django("        ('users', '0001_initial'),")),
    ];
    const h = orderHistory(files, read);
    expect(h.warnings).toEqual([]);
    expect(h.projects[0]!.files.map((p) => path.relative(root, p).split(path.sep).join('/'))).toEqual([
      'tenancy/migrations/0001_initial.py',
      'users/migrations/0001_initial.py',
      'dcim/migrations/0001_initial.py',
      'users/migrations/0002_squashed_0004.py',
    ]);
    // With Django's own user model (no AUTH_USER_MODEL in the settings) the dependency is on django.contrib.auth,
    // outside the project: file-name order stands.
    project[at('netbox/settings.py')] = 'import os\n\nDEBUG = False\n';
    const own = orderHistory(files, read);
    expect(own.projects[0]!.files.map((p) => path.relative(root, p).split(path.sep).join('/'))).toEqual([
      'tenancy/migrations/0001_initial.py',
      'dcim/migrations/0001_initial.py',
      'users/migrations/0001_initial.py',
      'users/migrations/0002_squashed_0004.py',
    ]);
  });
});
