import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Generated corpora for the speed benchmark of the Liquibase (XML and YAML changelogs) and Laravel (PHP) readers:
 * realistic shapes (a table created, columns added, indexes, foreign keys, raw SQL), deterministic for a count.
 */
const TABLES = ['orders', 'users', 'messages', 'invoices', 'events', 'payments'];
const COLS = ['user_id', 'created_at', 'status', 'customer_id', 'amount', 'updated_at'];

export function writeLiquibaseCorpus(dir: string, count = 500): { files: string[]; bytes: number } {
  const changes = join(dir, 'db', 'changelog', 'changes');
  mkdirSync(changes, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const t = TABLES[i % TABLES.length]!;
    const c = COLS[(i * 7) % COLS.length]!;
    const yaml = i % 2 === 1;
    const name = join(changes, `${String(i).padStart(4, '0')}-change.${yaml ? 'yaml' : 'xml'}`);
    const text = yaml
      ? `databaseChangeLog:\n  - changeSet:\n      id: ${i}-a\n      author: bench\n      changes:\n        - addColumn:\n            tableName: ${t}\n            columns:\n              - column:\n                  name: ${c}_${i}\n                  type: VARCHAR(64)\n        - createIndex:\n            tableName: ${t}\n            indexName: idx_${t}_${i}\n            columns:\n              - column:\n                  name: ${c}_${i}\n  - changeSet:\n      id: ${i}-b\n      author: bench\n      runInTransaction: false\n      changes:\n        - sql:\n            sql: |\n              CREATE INDEX CONCURRENTLY idx_${t}_${c}_${i} ON ${t} (${c});\n`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n    <changeSet id="${i}-a" author="bench">\n        <addColumn tableName="${t}">\n            <column name="${c}_${i}" type="BIGINT"><constraints nullable="true"/></column>\n        </addColumn>\n        <addForeignKeyConstraint baseTableName="${t}" baseColumnNames="${c}_${i}" constraintName="fk_${t}_${i}" referencedTableName="users" referencedColumnNames="id"/>\n    </changeSet>\n    <changeSet id="${i}-b" author="bench">\n        <sql><![CDATA[UPDATE ${t} SET ${c} = ${c} WHERE id < 1000;]]></sql>\n        <modifyDataType tableName="${t}" columnName="${c}_${i}" newDataType="BIGINT"/>\n    </changeSet>\n</databaseChangeLog>\n`;
    writeFileSync(name, text);
    files.push(name);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes };
}

export function writeLaravelCorpus(dir: string, count = 500): { files: string[]; bytes: number } {
  const migrations = join(dir, 'database', 'migrations');
  mkdirSync(migrations, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const t = TABLES[i % TABLES.length]!;
    const c = COLS[(i * 5) % COLS.length]!;
    const stamp = `2024_01_01_${String(100000 + i).padStart(6, '0')}`;
    const name = join(migrations, `${stamp}_change_${t}_${i}.php`);
    const text = `<?php\n\nuse Illuminate\\Database\\Migrations\\Migration;\nuse Illuminate\\Database\\Schema\\Blueprint;\nuse Illuminate\\Support\\Facades\\DB;\nuse Illuminate\\Support\\Facades\\Schema;\n\nreturn new class extends Migration\n{\n    public function up(): void\n    {\n        Schema::table('${t}', function (Blueprint $table) {\n            $table->string('${c}_${i}', 64)->nullable();\n            $table->foreignId('owner_${i}_id')->nullable()->constrained('users');\n            $table->index(['${c}_${i}']);\n        });\n\n        DB::statement(<<<'SQL'\n            UPDATE ${t} SET ${c} = ${c} WHERE id < 1000\n            SQL);\n    }\n\n    public function down(): void\n    {\n        Schema::table('${t}', function (Blueprint $table) {\n            $table->dropColumn('${c}_${i}');\n        });\n    }\n};\n`;
    writeFileSync(name, text);
    files.push(name);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes };
}
