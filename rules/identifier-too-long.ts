import { scanSync } from 'libpg-query';
import { defineRule } from '../src/engine/rule.js';
import { toFileSpan } from '../src/sql/statements.js';
import type { AnalyzedStatement, Span } from '../src/types.js';
import { alterCmds } from '../src/sql/nodes.js';

const MAX = 63; // NAMEDATALEN - 1
const RUNS = /"(?:[^"]|"")*"|[\p{L}\p{N}_$]+/gu;

/**
 * True when the text could hold a name over 63 bytes: a run of name characters (letters, digits, `_`, `$`, and any
 * non-ASCII character) over 63 bytes, or over 63 bytes after a `"` with no `"` beside it — doubled `""` stay inside a
 * quoted name, and a name that starts with one is counted from an earlier quote. A non-ASCII character (UTF-16 unit)
 * counts 3 bytes, at least its UTF-8 length, so text in another script (a comment, a string) is scanned only when it
 * runs long. Text with neither a quote nor a non-ASCII character needs only the ASCII run (asciiRun); other text is
 * counted in one pass.
 */
function mayHoldLongRun(sql: string): boolean {
  if (!QUOTE_OR_WIDE.test(sql)) return asciiRun(sql);
  let word = 0;
  let quoted = -1;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    const size = c >= 0x80 ? 3 : 1;
    const isWord = c >= 0x80 || isNameChar(c);
    word = isWord ? word + size : 0;
    if (word > MAX) return true;
    if (c === 34) {
      // A lone quote opens or closes a name: count from here. One beside another is inside a name (or opens one
      // that starts with `""`): keep counting.
      const beside = sql.charCodeAt(i - 1) === 34 || sql.charCodeAt(i + 1) === 34;
      quoted = beside && quoted >= 0 ? quoted + 1 : 0;
    } else if (quoted >= 0) quoted += size;
    if (quoted > MAX) return true;
  }
  return false;
}

const QUOTE_OR_WIDE = /["\u0080-\uffff]/;

/** An ASCII name character: a letter, a digit, `_` or `$`. */
function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/**
 * True when the text holds more than 63 ASCII name characters in a row. Such a run covers one of every 64th
 * position (63, 127 …): only the runs through those are measured, so most of the text is never read.
 */
function asciiRun(sql: string): boolean {
  for (let at = MAX; at < sql.length; at += MAX + 1) {
    if (!isNameChar(sql.charCodeAt(at))) continue;
    let start = at;
    while (start > 0 && isNameChar(sql.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < sql.length && isNameChar(sql.charCodeAt(end))) end++;
    if (end - start > MAX) return true;
  }
  return false;
}

/** Whether any word or quoted name in the text is over 63 bytes: only then is the statement scanned. */
function hasLongRun(sql: string): boolean {
  // Cheap first, in one pass: only text with a run that may be over 63 bytes needs the careful count.
  if (!mayHoldLongRun(sql)) return false;
  for (const m of sql.matchAll(RUNS)) {
    if (m[0].length > 16 && Buffer.byteLength(m[0], 'utf8') > MAX) return true;
  }
  return false;
}

/** The identifier a token spells: quotes removed, `""` unescaped, unquoted names folded to lower case. */
function identifierOf(raw: string): string {
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) return raw.slice(1, -1).replace(/""/g, '"');
  return raw.toLowerCase();
}

/** What PostgreSQL keeps: the longest prefix of whole characters within 63 bytes. */
function truncated(name: string): string {
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > MAX) break;
    out += ch;
  }
  return out;
}

/** DROP …, or an ALTER TABLE whose every command drops something (a column, a constraint): it only names what exists. */
function isDrop(s: AnalyzedStatement): boolean {
  if (s.kind === 'DropStmt') return true;
  const cmds = alterCmds(s);
  return cmds.length > 0 && cmds.every((c) => c.subtype === 'AT_DropColumn' || c.subtype === 'AT_DropConstraint');
}

export default defineRule({
  meta: {
    id: 'identifier-too-long',
    description: 'PostgreSQL silently truncates identifiers longer than 63 bytes.',
    category: 'hygiene',
    defaultSeverity: 'error',
    fix: 'none',
    messages: {
      tooLong:
        'Identifier {{name}} is {{bytes}} bytes long: PostgreSQL keeps only the first 63 bytes ({{kept}}), so the object gets a different name than the one written, and two long names with the same start collide.',
    },
    docs: {
      what: "Flags identifiers (table, column, index, constraint … names, quoted or not) longer than 63 bytes, except in a DROP (it finds the object under the name truncated as it was at its creation). In a framework's DSL call (Django, Alembic, Knex …) only names written in the file count: the names the tool generates it shortens itself. Bytes, not characters: a name with accented letters or other non-ASCII text reaches the limit sooner.",
      why: 'Names are stored in 64-byte `name` fields; a longer identifier is truncated with only a NOTICE. The object then exists under a name no code spells, a later migration that names it in full still works (it is truncated the same way) but tools comparing names do not, and two indexes whose names share the first 63 bytes collide ("relation already exists").',
      invalid: [
        {
          code: 'CREATE INDEX CONCURRENTLY idx_order_line_items_on_order_id_and_product_id_and_warehouse_id ON order_line_items (order_id, product_id, warehouse_id);\n',
        },
        { title: 'Non-ASCII names count bytes: 33 characters, 66 bytes', code: 'ALTER TABLE customers ADD COLUMN "ééééééééééééééééééééééééééééééééé" text;\n' },
      ],
      valid: [
        { code: 'CREATE INDEX CONCURRENTLY order_line_items_order_product_wh_idx ON order_line_items (order_id, product_id, warehouse_id);\n' },
        {
          title: 'Django: the index names Django generates it shortens itself',
          filename: 'product/migrations/0187_variantchannellistingpromotionrule.py',
          code: "from django.db import migrations, models\nimport django.db.models.deletion\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('product', '0186_previous')]\n\n    operations = [\n        migrations.CreateModel(\n            name='VariantChannelListingPromotionRule',\n            fields=[\n                ('id', models.BigAutoField(primary_key=True, serialize=False)),\n                ('variant_channel_listing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='product.productvariantchannellisting')),\n            ],\n        ),\n    ]\n",
        },
      ],
      references: ['https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS'],
    },
  },
  check(ctx) {
    for (const s of ctx.statements) {
      // A DROP names an object that exists: PostgreSQL truncates the name as it did when the object was created (where
      // a long name is reported), and finds it.
      if (isDrop(s)) continue;
      // Scan only statements that hold a run of name characters over 63 bytes (most hold none).
      if (!hasLongRun(s.sql)) continue;
      let tokens;
      try {
        tokens = scanSync(s.sql).tokens;
      } catch {
        continue;
      }
      const bytes = Buffer.from(s.sql, 'utf8');
      const seen = new Set<string>();
      for (const t of tokens) {
        if (t.tokenName !== 'IDENT') continue;
        const raw = bytes.subarray(t.start, t.end).toString('utf8');
        const name = identifierOf(raw);
        const size = Buffer.byteLength(name, 'utf8');
        if (size <= MAX || seen.has(name)) continue;
        seen.add(name);
        // A DSL call's equivalent SQL holds names the tool generates (Django's index and constraint names): the
        // tool shortens those itself (Django to 63 bytes with a hash), so only a name written in the file counts.
        if (s.item.kind === 'operation' && !ctx.unit.file.text.includes(name)) continue;
        let span: Span | undefined;
        if (s.item.kind === 'sql') {
          const start = s.chunkSpan.start + bytes.subarray(0, t.start).toString('utf8').length;
          span = toFileSpan(s.item.segments, { start, end: start + raw.length });
        }
        ctx.report({
          statement: s,
          span,
          messageId: 'tooLong',
          data: { name: raw, bytes: size, kept: `"${truncated(name)}"` },
          help: 'Shorten the name to at most 63 bytes.',
        });
      }
    }
  },
});
