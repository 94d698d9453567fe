/**
 * The framework picker: for each migration tool, where its migration lives in a small virtual project and the
 * files the core reads beside it to know how the tool runs it (a Drizzle journal, an Alembic env.py …).
 * The playground has no lint logic: these files are what a real project of that tool would have on disk.
 */
export interface PlaygroundFramework {
  id: string;
  label: string;
  /** The migration's path in the virtual project. Absolute, so no working directory is needed. */
  path: string;
  /** Files next to the migration, path → text. */
  siblings: Record<string, string>;
  /** What the editor starts with when the framework is picked and the editor is empty or holds another example. */
  example: string;
}

const DRIZZLE_JOURNAL = JSON.stringify(
  {
    version: '7',
    dialect: 'postgresql',
    entries: [{ idx: 0, version: '7', when: 1733561262551, tag: '0001_migration', breakpoints: true }],
  },
  null,
  2,
);

const ALEMBIC_ENV = `from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
`;

const SQL_EXAMPLE = `CREATE INDEX idx_orders_customer ON orders (customer_id);

ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
  FOREIGN KEY (customer_id) REFERENCES customers (id);
`;

export const FRAMEWORKS: PlaygroundFramework[] = [
  {
    id: 'drizzle',
    label: 'Drizzle',
    path: '/project/drizzle/0001_migration.sql',
    siblings: { '/project/drizzle/meta/_journal.json': DRIZZLE_JOURNAL },
    example: `CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_mcp_activity_external_id" ON "mcp_activity" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_docs_source" ON "docs" USING btree ("source");
`,
  },
  {
    id: 'alembic',
    label: 'Alembic',
    path: '/project/alembic/versions/20251207_add_indexes.py',
    siblings: { '/project/alembic/env.py': ALEMBIC_ENV },
    example: `"""add indexes

Revision ID: 20251207a1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = '20251207a1'
down_revision = None


def upgrade() -> None:
    op.execute(sa.text("""
        CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user_created
        ON messages (user_id, created_at DESC)
    """))


def downgrade() -> None:
    op.execute(sa.text("DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created"))
`,
  },
  {
    id: 'django',
    label: 'Django',
    path: '/project/shop/migrations/0002_order_indexes.py',
    siblings: {},
    example: `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["customer"], name="shop_order_customer_idx"),
        ),
    ]
`,
  },
  { id: 'psql', label: 'Plain SQL (psql -f)', path: '/project/sql/001_orders.sql', siblings: {}, example: SQL_EXAMPLE },
  {
    id: 'prisma',
    label: 'Prisma',
    path: '/project/prisma/migrations/20251207094102_order_indexes/migration.sql',
    siblings: { '/project/prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n' },
    example: SQL_EXAMPLE,
  },
  { id: 'flyway', label: 'Flyway', path: '/project/src/main/resources/db/migration/V7__order_indexes.sql', siblings: {}, example: SQL_EXAMPLE },
  { id: 'golang-migrate', label: 'golang-migrate', path: '/project/migrations/000007_order_indexes.up.sql', siblings: {}, example: SQL_EXAMPLE },
  { id: 'goose', label: 'goose', path: '/project/migrations/20251207094102_order_indexes.sql', siblings: {}, example: `-- +goose Up\n${SQL_EXAMPLE}` },
  {
    id: 'dbmate',
    label: 'dbmate',
    path: '/project/db/migrations/20251207094102_order_indexes.sql',
    siblings: {},
    example: `-- migrate:up\n${SQL_EXAMPLE}\n-- migrate:down\n`,
  },
  {
    id: 'sqitch',
    label: 'sqitch',
    path: '/project/deploy/order_indexes.sql',
    siblings: { '/project/sqitch.plan': '%project=shop\n\norder_indexes 2025-12-07T09:41:02Z Dev <dev@example.com> # order indexes\n' },
    example: `BEGIN;\n\n${SQL_EXAMPLE}\nCOMMIT;\n`,
  },
  { id: 'graphile-migrate', label: 'graphile-migrate', path: '/project/migrations/current.sql', siblings: { '/project/.gmrc': '{}\n' }, example: SQL_EXAMPLE },
  { id: 'supabase', label: 'Supabase CLI', path: '/project/supabase/migrations/20251207094102_order_indexes.sql', siblings: {}, example: SQL_EXAMPLE },
  { id: 'diesel', label: 'Diesel', path: '/project/migrations/2025-12-07-094102_order_indexes/up.sql', siblings: {}, example: SQL_EXAMPLE },
  {
    id: 'sqlx',
    label: 'sqlx',
    path: '/project/migrations/20251207094102_order_indexes.sql',
    siblings: { '/project/Cargo.toml': '[package]\nname = "shop"\n' },
    example: `-- Add migration script here\n${SQL_EXAMPLE}`,
  },
  {
    id: 'atlas',
    label: 'Atlas',
    path: '/project/migrations/20251207094102_order_indexes.sql',
    siblings: { '/project/migrations/atlas.sum': 'h1:placeholder=\n' },
    example: SQL_EXAMPLE,
  },
  {
    id: 'knex',
    label: 'Knex',
    path: '/project/migrations/20251207094102_order_indexes.js',
    siblings: {},
    example: `exports.up = async function (knex) {
  await knex.raw('CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id)');
};

exports.down = async function (knex) {
  await knex.raw('DROP INDEX CONCURRENTLY idx_orders_customer');
};
`,
  },
  {
    id: 'typeorm',
    label: 'TypeORM',
    path: '/project/src/migrations/1733561262551-OrderIndexes.ts',
    siblings: {},
    example: `import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrderIndexes1733561262551 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`CREATE INDEX "IDX_orders_customer" ON "orders" ("customer_id")\`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP INDEX "IDX_orders_customer"\`);
  }
}
`,
  },
  {
    id: 'node-pg-migrate',
    label: 'node-pg-migrate',
    path: '/project/migrations/1733561262551_order-indexes.js',
    siblings: {},
    example: `exports.up = (pgm) => {
  pgm.createIndex('orders', 'customer_id');
};
`,
  },
  {
    id: 'sequelize',
    label: 'Sequelize',
    path: '/project/migrations/20251207094102-order-indexes.js',
    siblings: {},
    example: `'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.addIndex('orders', ['customer_id']);
  },
  async down(queryInterface) {
    await queryInterface.removeIndex('orders', ['customer_id']);
  },
};
`,
  },
  {
    id: 'kysely',
    label: 'Kysely',
    path: '/project/src/migrations/2025_12_07_order_indexes.ts',
    siblings: {},
    example: `import { Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql\`CREATE INDEX idx_orders_customer ON orders (customer_id)\`.execute(db);
}
`,
  },
];

export function frameworkById(id: string): PlaygroundFramework {
  return FRAMEWORKS.find((f) => f.id === id) ?? FRAMEWORKS[0]!;
}
