// A generated corpus of realistic JS/TS migrations (Knex, TypeORM, node-pg-migrate, Sequelize) for the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TABLES = ['orders', 'customers', 'invoices', 'payments', 'events', 'sessions', 'products', 'shipments'];
const COLUMNS = ['status', 'created_at', 'customer_id', 'external_id', 'tenant_id', 'email', 'sku', 'deleted_at'];

function knex(i: number, t: string, c: string): string {
  return `/**
 * @param { import("knex").Knex } knex
 */
exports.up = async function (knex) {
  await knex.schema.createTable('${t}_archive_${i}', (table) => {
    table.bigIncrements('id');
    table.string('${c}').notNullable();
    table.timestamp('created_at').defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('${t}', (table) => {
    table.index(['${c}'], '${t}_${c}_${i}_index');
  });
  await knex.raw(\`
    CREATE INDEX ${t}_${c}_${i}_partial_idx
      ON ${t} (${c})
      WHERE deleted_at IS NULL
  \`);
  await knex.raw('ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS note_${i} text');
};

exports.down = async function (knex) {
  await knex.raw('DROP INDEX ${t}_${c}_${i}_partial_idx');
  await knex.schema.dropTable('${t}_archive_${i}');
};
`;
}

function typeorm(i: number, t: string, c: string): string {
  return `import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

export class Add${t[0]!.toUpperCase()}${t.slice(1)}Index${i}1712345678${String(i).padStart(3, '0')} implements MigrationInterface {
  name = 'Add${t}Index${i}';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`ALTER TABLE "${t}" ADD "note_${i}" character varying\`);
    await queryRunner.createIndex('${t}', new TableIndex({ name: 'IDX_${t}_${c}_${i}', columnNames: ['${c}'] }));
    await queryRunner.query(\`ALTER TABLE "${t}" ADD CONSTRAINT "FK_${t}_${i}" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE\`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`ALTER TABLE "${t}" DROP CONSTRAINT "FK_${t}_${i}"\`);
    await queryRunner.dropIndex('${t}', 'IDX_${t}_${c}_${i}');
  }
}
`;
}

function pgm(i: number, t: string, c: string): string {
  return `/* eslint-disable camelcase */
exports.shorthands = undefined;

exports.up = (pgm) => {
  pgm.createTable('${t}_log_${i}', {
    id: 'id',
    ${c}: { type: 'text', notNull: true },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('current_timestamp') },
  });
  pgm.createIndex('${t}', '${c}', { name: '${t}_${c}_${i}_idx' });
  pgm.sql("UPDATE ${t} SET ${c} = lower(${c}) WHERE id < 1000");
};

exports.down = (pgm) => {
  pgm.dropIndex('${t}', '${c}', { name: '${t}_${c}_${i}_idx' });
  pgm.dropTable('${t}_log_${i}');
};
`;
}

function sequelize(i: number, t: string, c: string): string {
  return `'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('${t}', 'note_${i}', { type: Sequelize.TEXT, allowNull: true });
    await queryInterface.addIndex('${t}', ['${c}'], { name: '${t}_${c}_${i}' });
    await queryInterface.sequelize.query('CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${i}_created ON ${t} (created_at)');
  },

  async down(queryInterface) {
    await queryInterface.removeIndex('${t}', '${t}_${c}_${i}');
    await queryInterface.removeColumn('${t}', 'note_${i}');
  },
};
`;
}

export function writeJsCorpus(dir: string, count = 1000): { files: number; bytes: number } {
  let bytes = 0;
  const dirs = {
    knex: path.join(dir, 'knex', 'migrations'),
    typeorm: path.join(dir, 'typeorm', 'src', 'migrations'),
    pgm: path.join(dir, 'pgm', 'migrations'),
    seq: path.join(dir, 'sequelize', 'migrations'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  for (let i = 0; i < count; i++) {
    const t = TABLES[i % TABLES.length]!;
    const c = COLUMNS[(i * 7) % COLUMNS.length]!;
    const stamp = `2024${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(100000 + i)}`;
    let file: string;
    let text: string;
    switch (i % 4) {
      case 0:
        file = path.join(dirs.knex, `${stamp}_add_${t}_${c}_index.js`);
        text = knex(i, t, c);
        break;
      case 1:
        file = path.join(dirs.typeorm, `${1712345678000 + i}-Add${t}Index${i}.ts`);
        text = typeorm(i, t, c);
        break;
      case 2:
        file = path.join(dirs.pgm, `${1712345678000 + i}_add-${t}-${c}.js`);
        text = pgm(i, t, c);
        break;
      default:
        file = path.join(dirs.seq, `${stamp}-add-${t}-${c}.js`);
        text = sequelize(i, t, c);
    }
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  return { files: count, bytes };
}
