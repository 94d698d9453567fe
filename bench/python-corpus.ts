import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a corpus of realistic Alembic and Django migrations (half each by default) for the speed benchmark:
 * `<dir>/alembic/versions/<rev>_<slug>.py` next to an env.py, and `<dir>/django/<app>/migrations/NNNN_<name>.py`.
 * Deterministic: the same count gives the same files.
 */
export function writePythonCorpus(dir: string, count = 1000): { files: string[] } {
  const files: string[] = [];
  const alembicDir = join(dir, 'alembic', 'versions');
  mkdirSync(alembicDir, { recursive: true });
  writeFileSync(
    join(dir, 'alembic', 'env.py'),
    'from alembic import context\n\n\ndef run_migrations_online():\n    with context.begin_transaction():\n        context.run_migrations()\n',
  );
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const tables = ['orders', 'users', 'messages', 'invoices', 'events', 'daily_stats', 'saved_words', 'payments'];
  const cols = ['user_id', 'created_at', 'status', 'customer_id', 'amount', 'updated_at', 'thread_id'];
  const hex = (i: number): string => (0x1a2b3c4d5e6f + i * 7919).toString(16).slice(-12).padStart(12, '0');
  const alembicCount = Math.ceil(count / 2);
  for (let i = 0; i < alembicCount; i++) {
    const t = tables[rand(tables.length)]!;
    const c = cols[rand(cols.length)]!;
    const body: string[] = [];
    const ops = 2 + rand(5);
    for (let k = 0; k < ops; k++) {
      switch (rand(7)) {
        case 0:
          body.push(`    op.create_index(op.f('ix_${t}_${c}_${k}'), '${t}', ['${c}'], unique=False)`);
          break;
        case 1:
          body.push(`    op.add_column('${t}', sa.Column('extra_${k}', sa.String(length=64), nullable=True))`);
          break;
        case 2:
          body.push(
            `    op.execute(sa.text("""\n        CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_${t}_${k}\n        ON ${t} (${c}, created_at DESC)\n    """))`,
          );
          break;
        case 3:
          body.push(`    op.alter_column('${t}', '${c}', existing_type=sa.BIGINT(), nullable=False)`);
          break;
        case 4:
          body.push(`    op.create_foreign_key('fk_${t}_${k}', '${t}', 'users', ['${c}'], ['id'])`);
          break;
        case 5:
          body.push(`    with op.get_context().autocommit_block():\n        op.create_index('ix_${t}_${k}', '${t}', ['${c}'], postgresql_concurrently=True)`);
          break;
        default:
          body.push(`    op.execute("UPDATE ${t} SET ${c} = :value WHERE ${c} IS NULL")`);
      }
    }
    const rev = hex(i);
    const file = join(alembicDir, `${rev}_change_${t}_${i}.py`);
    writeFileSync(
      file,
      `"""change ${t} ${i}\n\nRevision ID: ${rev}\nRevises: ${i ? hex(i - 1) : ''}\nCreate Date: 2026-01-01 00:00:00.000000\n\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\nrevision = '${rev}'\ndown_revision = ${i ? `'${hex(i - 1)}'` : 'None'}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n${body.join('\n')}\n\n\ndef downgrade():\n    pass\n`,
    );
    files.push(file);
  }
  const apps = ['orders', 'billing', 'accounts', 'catalog'];
  for (let i = 0; i < count - alembicCount; i++) {
    const app = apps[i % apps.length]!;
    const migDir = join(dir, 'django', app, 'migrations');
    mkdirSync(migDir, { recursive: true });
    writeFileSync(join(migDir, '__init__.py'), '');
    const model = ['order', 'invoice', 'profile', 'product'][rand(4)]!;
    const ops: string[] = [];
    const n = 1 + rand(4);
    for (let k = 0; k < n; k++) {
      switch (rand(6)) {
        case 0:
          ops.push(
            `        migrations.AddIndex(\n            model_name='${model}',\n            index=models.Index(fields=['created_at'], name='${model}_created_${i}_${k}'),\n        ),`,
          );
          break;
        case 1:
          ops.push(
            `        migrations.AddField(\n            model_name='${model}',\n            name='note_${k}',\n            field=models.TextField(blank=True, null=True),\n        ),`,
          );
          break;
        case 2:
          ops.push(
            `        migrations.RunSQL(\n            "CREATE INDEX CONCURRENTLY ${model}_${i}_${k} ON ${app}_${model} (id)",\n            reverse_sql="DROP INDEX ${model}_${i}_${k}",\n        ),`,
          );
          break;
        case 3:
          ops.push(
            `        migrations.AddConstraint(\n            model_name='${model}',\n            constraint=models.CheckConstraint(condition=models.Q(amount__gte=0), name='${model}_amount_${i}_${k}'),\n        ),`,
          );
          break;
        case 4:
          ops.push(
            `        migrations.AddField(\n            model_name='${model}',\n            name='owner_${k}',\n            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL),\n        ),`,
          );
          break;
        default:
          ops.push(
            `        migrations.RenameField(\n            model_name='${model}',\n            old_name='old_${k}',\n            new_name='new_${k}',\n        ),`,
          );
      }
    }
    const num = String(Math.floor(i / apps.length) + 2).padStart(4, '0');
    const file = join(migDir, `${num}_auto_${i}.py`);
    writeFileSync(
      file,
      `# Generated by Django 5.1.4 on 2026-01-01 00:00\n\nimport django.db.models.deletion\nfrom django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n        ('${app}', '${String(Math.floor(i / apps.length) + 1).padStart(4, '0')}_previous'),\n    ]\n\n    operations = [\n${ops.join('\n')}\n    ]\n`,
    );
    files.push(file);
  }
  return { files };
}
