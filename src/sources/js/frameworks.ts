import type { AnalyzedStatement, Edit, FrameworkId, MigrationUnit } from '../../types.js';
import { eolOf } from '../../engine/fixer.js';
import type { EscapePlan, ExtractContext, FrameworkAdapter } from '../adapter.js';
import { chainOf, literalValue, property, propertyValue, rangeOf, unwrap, type Node } from './estree.js';
import { dbMigrateOperations } from './db-migrate-dsl.js';
import { knexOperations } from './knex-schema.js';
import { cols, extractJs, ident, qualified, stringArg, type ExtractEnv, type JsDialect, type JsFileFacts, type OperationSpec } from './extract.js';

/**
 * The JS/TS migration frameworks: one dialect each for the one ESTree extractor (DSL operations and execution
 * model), and their fix writers (transaction opt-outs and CONCURRENTLY in the DSL's own terms).
 */

// ---------------------------------------------------------------- shared helpers

/** `'orders'`, `{ schema: 'app', name: 'orders' }` (node-pg-migrate), `{ tableName, schema }` (Sequelize). */
function tableArg(env: ExtractEnv, node: Node | undefined): string | undefined {
  const r = env.resolve(node);
  const v = literalValue(r);
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const name = o.name ?? o.tableName;
    if (typeof name === 'string') return typeof o.schema === 'string' ? `${o.schema}.${name}` : name;
  }
  return undefined;
}

/** Column list: `'a'`, `['a', 'b']`, `[{ name: 'a', sort: 'DESC' }]`. */
function columnsArg(env: ExtractEnv, node: Node | undefined): string[] | undefined {
  const v = literalValue(env.resolve(node));
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
  if (!list) return undefined;
  const out: string[] = [];
  for (const c of list) {
    if (typeof c === 'string') out.push(c);
    else if (c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string') out.push((c as { name: string }).name);
    else if (c && typeof c === 'object' && typeof (c as { attribute?: unknown }).attribute === 'string') out.push((c as { attribute: string }).attribute);
    else return undefined;
  }
  return out;
}

function receiverIs(chain: string | null, names: string[], method: string[]): { receiver: string; method: string } | null {
  if (!chain) return null;
  const dot = chain.lastIndexOf('.');
  if (dot < 0) return null;
  const receiver = chain.slice(0, dot);
  const m = chain.slice(dot + 1);
  if (!method.includes(m)) return null;
  const base = receiver.split('.').pop()!;
  return names.includes(base) || names.includes(receiver) ? { receiver, method: m } : null;
}

function lineIndent(text: string, at: number): { lineStart: number; indent: string } {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  return { lineStart, indent: /^[ \t]*/.exec(text.slice(lineStart))![0] };
}

/** Sets `name: value` in an object literal: replaces the value when the key is there, else adds it in the object's own layout. */
export function upsertProperty(text: string, obj: Node, name: string, value: string): Edit {
  const existing = property(obj, name);
  if (existing) {
    const [s, e] = rangeOf(existing.value);
    return { start: s, end: e, text: value };
  }
  const [os, oe] = rangeOf(obj);
  const props: Node[] = obj.properties;
  if (props.length === 0) return { start: os, end: oe, text: `{ ${name}: ${value} }` };
  const last = props[props.length - 1]!;
  const [ls, le] = rangeOf(last);
  if (!/[\r\n]/.test(text.slice(os, oe))) return { start: le, end: le, text: `, ${name}: ${value}` };
  const { indent } = lineIndent(text, ls);
  const eol = eolOf(text);
  const comma = /^[ \t]*,/.exec(text.slice(le, oe));
  if (comma) return { start: le + comma[0].length, end: le + comma[0].length, text: `${eol}${indent}${name}: ${value},` };
  return { start: le, end: le, text: `,${eol}${indent}${name}: ${value}` };
}

function factsOf(unit: MigrationUnit): JsFileFacts | undefined {
  const item = unit.items[0];
  return item?.origin?.js as JsFileFacts | undefined;
}

/** A fix when the statement is all the migration does; otherwise the other statements would lose their transaction too. */
function standAlone(edits: Edit[], description: string, statements: AnalyzedStatement[]): EscapePlan {
  if (statements.length <= 1) return { kind: 'fix', description, edits };
  return {
    kind: 'suggestion',
    description: `${description} (the other ${statements.length - 1} statement(s) of this migration then run without a transaction too: consider moving this one to its own migration)`,
    edits,
  };
}

function option(ctx: ExtractContext, id: FrameworkId, key: string): unknown {
  return ctx.settings.frameworkOptions?.[id]?.[key];
}

function makeAdapter(
  dialect: JsDialect,
  name: string,
  extras: Pick<FrameworkAdapter, 'escapeTransaction' | 'rewriteOperation'>,
): FrameworkAdapter & { dialect: JsDialect } {
  return {
    id: dialect.id,
    name,
    commentPrefix: '//',
    dialect,
    extract: (file, ctx) => extractJs(file, ctx, dialect, ctx.hostAst),
    ...extras,
  };
}

// ---------------------------------------------------------------- Knex

const knexDialect: JsDialect = {
  id: 'knex',
  lazy: true,
  exec(facts, ctx) {
    if (option(ctx, 'knex', 'disableTransactions') === true) {
      return {
        exec: { wrapped: false, reason: 'the knexfile sets disableTransactions: true', oneQuery: true },
        assumption: 'knexfile disableTransactions: true (frameworkOptions.knex)',
      };
    }
    if (facts.knexConfig?.transaction === false) {
      return { exec: { wrapped: false, reason: 'this migration exports config = { transaction: false }', oneQuery: true } };
    }
    return {
      exec: { wrapped: true, reason: 'knex migrate:latest runs the pending migrations in one transaction', oneQuery: true },
      assumption: 'knex migrate:latest wraps the pending migrations in a transaction (each in its own when one of them opts out)',
    };
  },
  operations: knexOperations,
};

export const knexAdapter = makeAdapter(knexDialect, 'Knex', {
  escapeTransaction(stmt, unit, statements) {
    const facts = factsOf(unit);
    if (!facts) return null;
    const text = facts.text;
    const eol = eolOf(text);
    let edit: Edit;
    if (facts.knexConfig) {
      const [s, e] = facts.knexConfig.object;
      edit = upsertTextProperty(text, s, e, 'transaction', 'false');
    } else if (facts.moduleExportsObject) {
      const [s, e] = facts.moduleExportsObject;
      edit = upsertTextProperty(text, s, e, 'config', '{ transaction: false }');
    } else {
      const line = facts.esm ? 'export const config = { transaction: false };' : 'exports.config = { transaction: false };';
      const end = text.length;
      edit = { start: end, end, text: /(\r?\n)$/.test(text) ? `${eol}${line}${eol}` : `${eol}${eol}${line}${eol}` };
    }
    const how = facts.esm ? '`export const config = { transaction: false }`' : '`exports.config = { transaction: false }`';
    void stmt;
    return standAlone([edit], `Run this migration outside Knex's transaction with ${how}`, statements);
  },
  rewriteOperation() {
    // Knex's schema builder has no concurrent index option: the manual help names knex.raw instead.
    return null;
  },
});

/** upsertProperty over a range recorded in the file facts (the node itself is not kept). */
function upsertTextProperty(text: string, start: number, end: number, name: string, value: string): Edit {
  const inner = text.slice(start + 1, end - 1);
  const re = new RegExp(`(^|[,{\\s])${name}\\s*:\\s*`);
  const m = re.exec(inner);
  if (m) {
    const vStart = start + 1 + m.index + m[0].length;
    const vEnd = vStart + /^(true|false|[^,}\r\n]*)/.exec(text.slice(vStart))![0].trimEnd().length;
    return { start: vStart, end: vEnd, text: value };
  }
  // Reuse the node-based writer on a minimal synthetic object: find the last property end by trimming.
  const body = inner.replace(/\s+$/, '');
  if (body.trim() === '') return { start, end, text: `{ ${name}: ${value} }` };
  const multiline = /[\r\n]/.test(inner);
  const lastEnd = start + 1 + body.length;
  if (!multiline)
    return body.endsWith(',') ? { start: lastEnd, end: lastEnd, text: ` ${name}: ${value}` } : { start: lastEnd, end: lastEnd, text: `, ${name}: ${value}` };
  const lastLine = body.slice(body.lastIndexOf('\n') + 1);
  const indent = /^[ \t]*/.exec(lastLine)![0];
  const eol = eolOf(text);
  return body.endsWith(',')
    ? { start: lastEnd, end: lastEnd, text: `${eol}${indent}${name}: ${value},` }
    : { start: lastEnd, end: lastEnd, text: `,${eol}${indent}${name}: ${value}` };
}

// ---------------------------------------------------------------- TypeORM

type TypeormMode = 'all' | 'each' | 'none';

function typeormMode(ctx: { settings: ExtractContext['settings'] }): TypeormMode {
  const m = option(ctx as ExtractContext, 'typeorm', 'migrationsTransactionMode');
  return m === 'each' || m === 'none' ? m : 'all';
}

function newOf(env: ExtractEnv, node: Node | undefined, cls: string): Node | undefined {
  const n = env.resolve(node);
  if (n?.type !== 'NewExpression' || chainOf(n.callee) !== cls) return undefined;
  const o = env.resolve(n.arguments[0]);
  return o?.type === 'ObjectExpression' ? o : undefined;
}

const typeormDialect: JsDialect = {
  id: 'typeorm',
  exec(facts, ctx) {
    const mode = typeormMode(ctx);
    facts.mode = mode;
    const assumption = `TypeORM migrationsTransactionMode "${mode}"${option(ctx, 'typeorm', 'migrationsTransactionMode') ? '' : ' (the default; set frameworkOptions.typeorm.migrationsTransactionMode)'}`;
    if (mode === 'none')
      return {
        exec: { wrapped: false, reason: 'TypeORM runs migrations without a transaction (migrationsTransactionMode "none")', oneQuery: true },
        assumption,
      };
    if (mode === 'each' && facts.classTransaction === false) {
      return { exec: { wrapped: false, reason: 'this migration sets transaction = false (migrationsTransactionMode "each")', oneQuery: true }, assumption };
    }
    if (mode === 'all' && facts.classTransaction === false) {
      ctx.warn(
        'This migration sets transaction = false, but under migrationsTransactionMode "all" TypeORM refuses to run it: set migrationsTransactionMode to "each" (frameworkOptions.typeorm.migrationsTransactionMode tells migralint).',
      );
    }
    return {
      exec: {
        wrapped: true,
        reason:
          mode === 'all'
            ? 'TypeORM runs all pending migrations in one transaction (migrationsTransactionMode "all")'
            : 'TypeORM runs each migration in its own transaction (migrationsTransactionMode "each")',
        oneQuery: true,
      },
      assumption,
    };
  },
  operations(call, env) {
    const r = receiverIs(chainOf(call.callee), ['queryRunner'], ['createIndex', 'createIndices', 'dropIndex', 'createForeignKey', 'createTable']);
    if (!r) return null;
    const label = `queryRunner.${r.method}`;
    if (r.method === 'createTable') {
      const t = newOf(env, call.arguments[0], 'Table');
      const name = typeof propertyValue(t, 'name') === 'string' ? (propertyValue(t, 'name') as string) : undefined;
      return name ? [{ sql: `CREATE TABLE ${qualified(name)} ()`, at: call, call: label }] : [];
    }
    const table = tableArg(env, call.arguments[0]);
    if (table === undefined) {
      env.note(`${label}: the table is not a literal migralint can read; this call is not linted.`, call);
      return [];
    }
    const bare = table.split('.').pop()!;
    if (r.method === 'createIndex' || r.method === 'createIndices') {
      const list = r.method === 'createIndex' ? [call.arguments[1]] : (env.resolve(call.arguments[1])?.elements ?? []);
      const out: OperationSpec[] = [];
      for (const arg of list) {
        const o = newOf(env, arg, 'TableIndex');
        const columns = o ? columnsArg(env, property(o, 'columnNames')?.value) : undefined;
        if (!o || !columns) {
          env.note(`${label}: the index is not a \`new TableIndex({ … })\` migralint can read; it is not linted.`, arg ?? call);
          continue;
        }
        const name = (propertyValue(o, 'name') as string | undefined) ?? `IDX_${bare}_${columns.join('_')}`;
        const unique = propertyValue(o, 'isUnique') === true;
        const concurrent = propertyValue(o, 'isConcurrent') === true;
        const where = propertyValue(o, 'where');
        out.push({
          sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrent ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${qualified(table)} (${cols(columns)})${typeof where === 'string' && where ? ` WHERE ${where}` : ''}`,
          at: r.method === 'createIndex' ? call : (unwrap(arg) ?? call),
          call: label,
          origin: { options: o },
        });
      }
      return out;
    }
    if (r.method === 'dropIndex') {
      const o = newOf(env, call.arguments[1], 'TableIndex');
      const name = o ? (propertyValue(o, 'name') as string | undefined) : stringArg(env, call.arguments[1]);
      if (!name) {
        env.note(`${label}: the index name is not a literal migralint can read; this call is not linted.`, call);
        return [];
      }
      const concurrent = o ? propertyValue(o, 'isConcurrent') === true : false;
      return [{ sql: `DROP INDEX ${concurrent ? 'CONCURRENTLY ' : ''}${ident(name)}`, at: call, call: label, origin: o ? { options: o } : undefined }];
    }
    // createForeignKey
    const o = newOf(env, call.arguments[1], 'TableForeignKey');
    const columns = o ? columnsArg(env, property(o, 'columnNames')?.value) : undefined;
    const refCols = o ? columnsArg(env, property(o, 'referencedColumnNames')?.value) : undefined;
    const refTable = o ? (propertyValue(o, 'referencedTableName') as string | undefined) : undefined;
    if (!o || !columns || !refCols || typeof refTable !== 'string') {
      env.note(`${label}: the foreign key is not a \`new TableForeignKey({ … })\` migralint can read; it is not linted.`, call);
      return [];
    }
    const name = (propertyValue(o, 'name') as string | undefined) ?? `FK_${bare}_${columns.join('_')}`;
    return [
      {
        sql: `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${cols(columns)}) REFERENCES ${qualified(refTable)} (${cols(refCols)})`,
        at: call,
        call: label,
      },
    ];
  },
};

export const typeormAdapter = makeAdapter(typeormDialect, 'TypeORM', {
  escapeTransaction(_stmt, unit, statements) {
    const facts = factsOf(unit);
    if (!facts) return null;
    if (facts.mode !== 'each') {
      return {
        kind: 'manual',
        help: 'TypeORM runs all pending migrations in one transaction (migrationsTransactionMode "all"), and a migration cannot leave it in that mode. Set migrationsTransactionMode: "each" in the DataSource (and frameworkOptions.typeorm.migrationsTransactionMode in migralint config), then add `transaction = false` to this migration class; or run the statement out of band.',
      };
    }
    if (!facts.classBody || facts.classBody.firstMember === undefined) return { kind: 'manual', help: 'Add `transaction = false` to this migration class.' };
    const { lineStart, indent } = lineIndent(facts.text, facts.classBody.firstMember);
    const eol = eolOf(facts.text);
    return standAlone(
      [{ start: lineStart, end: lineStart, text: `${indent}transaction = false;${eol}${eol}` }],
      'Run this migration outside a transaction with `transaction = false` on the class',
      statements,
    );
  },
  rewriteOperation(stmt, change) {
    const o = stmt.item.origin?.options as Node | undefined;
    const facts = stmt.item.origin?.js as JsFileFacts | undefined;
    if (!o || !facts) return null;
    return [upsertProperty(facts.text, o, 'isConcurrent', change === 'add-concurrently' ? 'true' : 'false')];
  },
});

// ---------------------------------------------------------------- node-pg-migrate

const pgmDialect: JsDialect = {
  id: 'node-pg-migrate',
  exec(facts, ctx) {
    if (facts.noTransaction) return { exec: { wrapped: false, reason: 'this migration calls pgm.noTransaction()', oneQuery: true } };
    if (option(ctx, 'node-pg-migrate', 'singleTransaction') === false) {
      return { exec: { wrapped: true, reason: 'node-pg-migrate runs each migration in its own transaction (singleTransaction: false)', oneQuery: true } };
    }
    return {
      exec: { wrapped: true, reason: 'node-pg-migrate runs all pending migrations in one transaction', oneQuery: true },
      assumption: 'node-pg-migrate wraps the pending migrations in one transaction (singleTransaction, the default)',
    };
  },
  operations(call, env) {
    const names = ['pgm'];
    const chain = chainOf(call.callee);
    const r =
      receiverIs(chain, names, ['createIndex', 'addIndex', 'dropIndex', 'addConstraint', 'createConstraint', 'createTable']) ??
      receiverIs(chain, [chain?.split('.')[0] ?? ''], ['createIndex', 'addIndex', 'dropIndex', 'addConstraint', 'createConstraint', 'createTable']);
    if (!r || r.receiver.includes('.')) return null;
    const label = `pgm.${r.method}`;
    const table = tableArg(env, call.arguments[0]);
    if (table === undefined) {
      env.note(`${label}: the table is not a literal migralint can read; this call is not linted.`, call);
      return [];
    }
    const bare = table.split('.').pop()!;
    if (r.method === 'createTable') return [{ sql: `CREATE TABLE ${qualified(table)} ()`, at: call, call: label }];
    if (r.method === 'addConstraint' || r.method === 'createConstraint') {
      const name = stringArg(env, call.arguments[1]);
      const expr = env.resolve(call.arguments[2]);
      let def = typeof literalValue(expr) === 'string' ? (literalValue(expr) as string) : undefined;
      const fk = property(expr, 'foreignKeys');
      if (!def && fk) {
        const v = literalValue(fk.value) as Record<string, unknown> | undefined;
        const fcols = typeof v?.columns === 'string' ? [v.columns] : Array.isArray(v?.columns) ? (v!.columns as string[]) : undefined;
        const ref = typeof v?.references === 'string' ? v.references : undefined;
        if (fcols && ref) {
          const mm = /^\s*([^\s(]+)\s*(\((.*)\))?\s*$/.exec(ref);
          def = `FOREIGN KEY (${cols(fcols)}) REFERENCES ${qualified(mm?.[1] ?? ref)}${mm?.[3] ? ` (${cols(mm[3].split(',').map((x) => x.trim()))})` : ''}`;
        }
      }
      if (!def) {
        env.note(`${label}: the constraint is not a literal migralint can read; this call is not linted.`, call);
        return [];
      }
      return [{ sql: `ALTER TABLE ${qualified(table)} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}${def}`, at: call, call: label }];
    }
    const columns = columnsArg(env, call.arguments[1]);
    if (!columns) {
      env.note(`${label}: the columns are not literals migralint can read; this call is not linted.`, call);
      return [];
    }
    const optsNode = env.resolve(call.arguments[2]);
    const opts = optsNode?.type === 'ObjectExpression' ? optsNode : undefined;
    const unique = propertyValue(opts, 'unique') === true;
    const concurrently = propertyValue(opts, 'concurrently') === true;
    const name = (propertyValue(opts, 'name') as string | undefined) ?? `${bare}_${columns.join('_')}_${unique ? 'unique_' : ''}index`;
    const origin = { options: opts, afterColumns: rangeOf(call.arguments[1])[1] };
    if (r.method === 'dropIndex') return [{ sql: `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ident(name)}`, at: call, call: label, origin }];
    const method = propertyValue(opts, 'method');
    const where = propertyValue(opts, 'where');
    return [
      {
        sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${qualified(table)}${typeof method === 'string' ? ` USING ${method}` : ''} (${cols(columns)})${typeof where === 'string' ? ` WHERE ${where}` : ''}`,
        at: call,
        call: label,
        origin,
      },
    ];
  },
};

/** Adds `{ concurrently: true }` to a DSL call's options object, or as a new options argument. */
function concurrentlyOption(stmt: AnalyzedStatement, change: 'add-concurrently' | 'drop-concurrently', key: string): Edit[] | null {
  const facts = stmt.item.origin?.js as JsFileFacts | undefined;
  if (!facts) return null;
  const o = stmt.item.origin?.options as Node | undefined;
  const value = change === 'add-concurrently' ? 'true' : 'false';
  if (o) return [upsertProperty(facts.text, o, key, value)];
  const after = stmt.item.origin?.afterColumns as number | undefined;
  if (after === undefined || change === 'drop-concurrently') return null;
  return [{ start: after, end: after, text: `, { ${key}: true }` }];
}

export const nodePgMigrateAdapter = makeAdapter(pgmDialect, 'node-pg-migrate', {
  escapeTransaction(_stmt, unit, statements) {
    const facts = factsOf(unit);
    if (!facts?.up || facts.up.expressionBody || facts.up.firstStatement === undefined) {
      return { kind: 'manual', help: 'Call pgm.noTransaction() at the start of up() so node-pg-migrate runs this migration outside a transaction.' };
    }
    const { lineStart, indent } = lineIndent(facts.text, facts.up.firstStatement);
    const eol = eolOf(facts.text);
    return standAlone(
      [{ start: lineStart, end: lineStart, text: `${indent}${facts.up.param ?? 'pgm'}.noTransaction();${eol}` }],
      'Run this migration outside a transaction with pgm.noTransaction()',
      statements,
    );
  },
  rewriteOperation: (stmt, change) => concurrentlyOption(stmt, change, 'concurrently'),
});

// ---------------------------------------------------------------- Sequelize

const sequelizeDialect: JsDialect = {
  id: 'sequelize',
  exec() {
    return { exec: { wrapped: false, reason: 'Sequelize (umzug) runs migrations without a transaction', oneQuery: true } };
  },
  operations(call, env) {
    const chain = chainOf(call.callee);
    const r = receiverIs(chain, ['queryInterface'], ['addIndex', 'removeIndex', 'addConstraint', 'createTable']);
    if (!r) return null;
    const label = `queryInterface.${r.method}`;
    const table = tableArg(env, call.arguments[0]);
    if (table === undefined) {
      env.note(`${label}: the table is not a literal migralint can read; this call is not linted.`, call);
      return [];
    }
    const bare = table.split('.').pop()!;
    if (r.method === 'createTable') return [{ sql: `CREATE TABLE ${qualified(table)} ()`, at: call, call: label }];
    const second = env.resolve(call.arguments[1]);
    const third = env.resolve(call.arguments[2]);
    if (r.method === 'addConstraint') {
      const o = second?.type === 'ObjectExpression' ? second : undefined;
      const v = (literalValue(o) ?? {}) as Record<string, any>;
      const fields = Array.isArray(v.fields) ? (v.fields as string[]) : undefined;
      const type = String(v.type ?? '').toLowerCase();
      if (!fields) {
        env.note(`${label}: the constraint is not a literal migralint can read; this call is not linted.`, call);
        return [];
      }
      const name = typeof v.name === 'string' ? v.name : `${bare}_${fields.join('_')}_${type.replace(/\s+/g, '_')}`;
      let def: string | undefined;
      if (type === 'foreign key' && typeof v.references?.table === 'string' && typeof v.references?.field === 'string') {
        def = `FOREIGN KEY (${cols(fields)}) REFERENCES ${qualified(v.references.table)} (${ident(v.references.field)})`;
      } else if (type === 'unique') def = `UNIQUE (${cols(fields)})`;
      else if (type === 'primary key') def = `PRIMARY KEY (${cols(fields)})`;
      if (!def) return [];
      return [{ sql: `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} ${def}`, at: call, call: label }];
    }
    // addIndex(table, attributes, options) | addIndex(table, options); removeIndex(table, nameOrAttributes, options)
    const optsNode = second?.type === 'ObjectExpression' ? second : third?.type === 'ObjectExpression' ? third : undefined;
    const columns = second?.type === 'ObjectExpression' ? columnsArg(env, property(second, 'fields')?.value) : columnsArg(env, call.arguments[1]);
    const origin = { options: optsNode, afterColumns: call.arguments[1] ? rangeOf(call.arguments[1])[1] : undefined };
    const concurrently = propertyValue(optsNode, 'concurrently') === true;
    if (r.method === 'removeIndex') {
      const name = typeof literalValue(second) === 'string' ? (literalValue(second) as string) : columns ? `${bare}_${columns.join('_')}` : undefined;
      if (!name) return [];
      return [{ sql: `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ident(name)}`, at: call, call: label, origin }];
    }
    if (!columns) {
      env.note(`${label}: the fields are not literals migralint can read; this call is not linted.`, call);
      return [];
    }
    const unique = propertyValue(optsNode, 'unique') === true || String(propertyValue(optsNode, 'type') ?? '').toUpperCase() === 'UNIQUE';
    const name = (propertyValue(optsNode, 'name') as string | undefined) ?? `${bare}_${columns.join('_')}`;
    const using = propertyValue(optsNode, 'using');
    return [
      {
        sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ident(name)} ON ${qualified(table)}${typeof using === 'string' ? ` USING ${using}` : ''} (${cols(columns)})`,
        at: call,
        call: label,
        origin,
      },
    ];
  },
};

export const sequelizeAdapter = makeAdapter(sequelizeDialect, 'Sequelize', {
  rewriteOperation: (stmt, change) => concurrentlyOption(stmt, change, 'concurrently'),
});

// ---------------------------------------------------------------- Kysely, db-migrate

const kyselyDialect: JsDialect = {
  id: 'kysely',
  exec(_facts, ctx) {
    if (option(ctx, 'kysely', 'disableTransactions') === true) {
      return {
        exec: { wrapped: false, reason: "Kysely's Migrator runs without transactions (disableTransactions)", oneQuery: true },
        assumption: 'Kysely Migrator disableTransactions: true (frameworkOptions.kysely)',
      };
    }
    return {
      exec: { wrapped: true, reason: "Kysely's Migrator runs all pending migrations in one transaction", oneQuery: true },
      assumption: "Kysely's Migrator wraps the pending migrations in one transaction",
    };
  },
};

export const kyselyAdapter = makeAdapter(kyselyDialect, 'Kysely', {
  escapeTransaction() {
    return {
      kind: 'manual',
      help: "Kysely's Migrator runs all pending migrations in one transaction and a migration cannot opt out; only `disableTransactions: true` on the Migrator (every migration) does. Run this statement with a Migrator that disables transactions, or out of band.",
    };
  },
});

const dbMigrateDialect: JsDialect = {
  id: 'db-migrate',
  exec(_facts, ctx) {
    if (option(ctx, 'db-migrate', 'nonTransactional') === true) {
      return { exec: { wrapped: false, reason: 'db-migrate runs migrations without a transaction (--non-transactional)', oneQuery: true } };
    }
    return { exec: { wrapped: true, reason: 'db-migrate runs each migration in its own transaction', oneQuery: true } };
  },
  operations: dbMigrateOperations,
};

export const dbMigrateAdapter = makeAdapter(dbMigrateDialect, 'db-migrate', {
  escapeTransaction() {
    return {
      kind: 'manual',
      help: 'db-migrate runs each migration in its own transaction and a migration cannot opt out: run db-migrate with --non-transactional for this migration, or run the statement out of band.',
    };
  },
});
