import { describe, expect, it } from 'vitest';
import { loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { adapterFor } from '../../src/sources/index.js';
import { detectFramework } from '../../src/frameworks/index.js';
import type { DjangoState } from '../../src/frameworks/django/editor.js';
import type { MigrationUnit } from '../../src/types.js';

await loadParsers();

/**
 * Sentry's own deletion operations (sentry.new_migrations.monkey): a column or table is deleted in two migrations,
 * deployed apart. SafeRemoveField / SafeDeleteModel with DeletionAction.MOVE_TO_PENDING only change the state (the
 * code stops using the field or model; Django sends nothing); with DeletionAction.DELETE, later, they drop the column
 * or table the state holds as pending.
 */
const HEADER = `from sentry.new_migrations.migrations import CheckedMigration
from sentry.new_migrations.monkey.fields import SafeRemoveField
from sentry.new_migrations.monkey.models import SafeDeleteModel
from sentry.new_migrations.monkey.state import DeletionAction
`;

const CREATE = `import django.utils.timezone
from django.db import migrations, models

import sentry.db.models.fields.bounded
from sentry.new_migrations.migrations import CheckedMigration


class Migration(CheckedMigration):
    is_post_deployment = False

    dependencies = [
        ("sentry", "0599_add_import_chunk"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomDynamicSamplingRule",
            fields=[
                (
                    "id",
                    sentry.db.models.fields.bounded.BoundedBigAutoField(primary_key=True, serialize=False),
                ),
                ("date_added", models.DateTimeField(default=django.utils.timezone.now)),
                ("condition", models.TextField()),
                ("sample_rate", models.FloatField()),
                ("notes", models.TextField(db_column="rule_notes", null=True)),
            ],
            options={
                "db_table": "sentry_customdynamicsamplingrule",
            },
        ),
    ]
`;

const migration = (dependency: string, operation: string) => `${HEADER}

class Migration(CheckedMigration):
    is_post_deployment = False

    dependencies = [
        ("sentry", "${dependency}"),
    ]

    operations = [
${operation}
    ]
`;

const PENDING_FIELD = migration(
  '0600_customdynamicsamplingrule',
  `        SafeRemoveField(
            model_name="customdynamicsamplingrule",
            name="notes",
            deletion_action=DeletionAction.MOVE_TO_PENDING,
        ),`,
);
const DELETE_FIELD = migration(
  '0601_remove_customdynamicsamplingrule_notes_pending',
  `        SafeRemoveField(
            model_name="customdynamicsamplingrule",
            name="notes",
            deletion_action=DeletionAction.DELETE,
        ),`,
);
const PENDING_MODEL = migration(
  '0602_remove_customdynamicsamplingrule_notes',
  `        SafeDeleteModel(
            name="CustomDynamicSamplingRule",
            deletion_action=DeletionAction.MOVE_TO_PENDING,
        ),`,
);
const DELETE_MODEL = migration(
  '0603_delete_customdynamicsamplingrule_pending',
  `        SafeDeleteModel(
            name="CustomDynamicSamplingRule",
            deletion_action=DeletionAction.DELETE,
        ),`,
);

const MIGRATIONS: Array<[string, string]> = [
  ['src/sentry/migrations/0600_customdynamicsamplingrule.py', CREATE],
  ['src/sentry/migrations/0601_remove_customdynamicsamplingrule_notes_pending.py', PENDING_FIELD],
  ['src/sentry/migrations/0602_remove_customdynamicsamplingrule_notes.py', DELETE_FIELD],
  ['src/sentry/migrations/0603_delete_customdynamicsamplingrule_pending.py', PENDING_MODEL],
  ['src/sentry/migrations/0604_delete_customdynamicsamplingrule.py', DELETE_MODEL],
];

/** Each migration's unit, extracted over the state the ones before it left. */
function replay(migrations: Array<[string, string]>): Map<string, MigrationUnit> {
  const out = new Map<string, MigrationUnit>();
  let state: unknown;
  for (const [file, text] of migrations) {
    const unit = adapterFor('django').extract({ path: file, text, bom: false }, { settings: DEFAULT_SETTINGS, warn: () => undefined, state });
    out.set(file, unit);
    state = unit.state;
  }
  return out;
}

const sqlOf = (u: MigrationUnit) => u.items.flatMap((i) => (i.kind === 'operation' ? i.sql : i.text).split(';\n'));

describe("Sentry's SafeRemoveField and SafeDeleteModel", () => {
  it('MOVE_TO_PENDING sends nothing; DELETE drops the pending column (its db_column) and then the pending table', () => {
    const units = replay(MIGRATIONS);
    const sql = (i: number) => sqlOf(units.get(MIGRATIONS[i]![0])!);
    expect(sql(1)).toEqual([]);
    expect(sql(2)).toEqual(['ALTER TABLE "sentry_customdynamicsamplingrule" DROP COLUMN "rule_notes" CASCADE']);
    expect(sql(3)).toEqual([]);
    expect(sql(4)).toEqual(['DROP TABLE "sentry_customdynamicsamplingrule" CASCADE']);
    for (const [file] of MIGRATIONS) expect(units.get(file)!.notes).toEqual([]);
    // The drop a deploy earlier prepared: ban-drop-column and ban-drop-table say so, as an info note.
    expect(units.get(MIGRATIONS[2]![0])!.items[0]!.exec.codeReleased).toBe(
      "the field was moved to pending deletion by 0601_remove_customdynamicsamplingrule_notes_pending.py, deployed before this one (Sentry's DeletionAction.MOVE_TO_PENDING)",
    );
    expect(units.get(MIGRATIONS[4]![0])!.items[0]!.exec.codeReleased).toContain('the model was moved to pending deletion by 0603_');
    // The state after each: the pending field and model are gone from the models, kept as pending until DELETE.
    const state = (i: number) => units.get(MIGRATIONS[i]![0])!.state as DjangoState;
    expect(state(1).models['sentry.customdynamicsamplingrule']!.fields.map(([n]) => n)).toEqual(['id', 'date_added', 'condition', 'sample_rate']);
    expect(Object.keys(state(1).pending!.fields)).toEqual(['sentry.customdynamicsamplingrule.notes']);
    expect(Object.keys(state(2).pending!.fields)).toEqual([]);
    expect(state(3).models['sentry.customdynamicsamplingrule']).toBeUndefined();
    expect(Object.keys(state(3).pending!.models)).toEqual(['sentry.customdynamicsamplingrule']);
    expect(Object.keys(state(4).pending!.models)).toEqual([]);
  });

  it('a file of Sentry operations alone (no import from django.db) is a Django migration: its CheckedMigration comes from a migrations module', () => {
    expect(detectFramework(MIGRATIONS[2]![0], DELETE_FIELD)).toBe('django');
    expect(detectFramework(MIGRATIONS[4]![0], DELETE_MODEL)).toBe('django');
    // A Migration subclass from anywhere else, without Django's migrations, is still not Django.
    expect(
      detectFramework('tools/migrate.py', 'from yoyo import step\nfrom tools.base import BaseMigration\n\n\nclass Migration(BaseMigration):\n    pass\n'),
    ).not.toBe('django');
  });

  it('DELETE with no pending field or model in the history read: the default names, with a note saying so', () => {
    const units = replay([MIGRATIONS[2]!, MIGRATIONS[4]!]);
    const field = units.get(MIGRATIONS[2]![0])!;
    expect(field.items[0]!.exec.codeReleased).toBeUndefined();
    expect(sqlOf(field)).toEqual(['ALTER TABLE "sentry_customdynamicsamplingrule" DROP COLUMN "notes" CASCADE']);
    expect(field.notes.map((n) => n.message)).toEqual([
      'SafeRemoveField customdynamicsamplingrule.notes: no earlier migration migralint read moves this field to pending deletion, so its column is unknown (read as column notes)',
    ]);
    const model = units.get(MIGRATIONS[4]![0])!;
    expect(sqlOf(model)).toEqual(['DROP TABLE "sentry_customdynamicsamplingrule" CASCADE']);
    expect(model.notes.map((n) => n.ruleId)).toEqual(['unsupported-framework-construct']);
  });
});
