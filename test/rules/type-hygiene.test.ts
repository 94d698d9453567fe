import { describe, expect, it } from 'vitest';
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester({ settings: { preset: 'all' }, ruleSeverity: 'warn' });

// The type-hygiene rules share src/engine/type-rules.ts: a type change is never a safe fix, only a suggestion.
describe('type hygiene rules', () => {
  it('rewrite the type on a table created earlier in the same migration as a fix (ADD COLUMN too)', async () => {
    const sql = 'CREATE TABLE coupons (id bigint PRIMARY KEY);\nALTER TABLE coupons ADD COLUMN code varchar(24) NOT NULL, ADD COLUMN valid_until timestamp;\n';
    expect(await tester.fix('prefer-text-field', sql, { fixTypes: ['suggestion'] })).toBe(
      'CREATE TABLE coupons (id bigint PRIMARY KEY);\nALTER TABLE coupons ADD COLUMN code text CHECK (char_length(code) <= 24) NOT NULL, ADD COLUMN valid_until timestamp;\n',
    );
    expect(await tester.fix('prefer-timestamptz', sql, { fixTypes: ['suggestion'] })).toBe(
      'CREATE TABLE coupons (id bigint PRIMARY KEY);\nALTER TABLE coupons ADD COLUMN code varchar(24) NOT NULL, ADD COLUMN valid_until timestamptz;\n',
    );
  });

  it('offer only a suggestion on an existing table, proven when applied', async () => {
    const sql = 'ALTER TABLE orders ADD COLUMN coupon_code varchar(32), ADD COLUMN points int;\n';
    const text = await tester.findings('prefer-text-field', sql);
    expect(text[0]!.fix).toBeUndefined();
    expect(text[0]!.suggestions?.[0]?.description).toBe('Change coupon_code from varchar(32) to text');
    expect(await tester.fix('prefer-text-field', sql, { fixTypes: ['suggestion'] })).toBe(
      'ALTER TABLE orders ADD COLUMN coupon_code text, ADD COLUMN points int;\n',
    );
    expect(await tester.fix('prefer-bigint-over-int', sql, { fixTypes: ['suggestion'] })).toBe(
      'ALTER TABLE orders ADD COLUMN coupon_code varchar(32), ADD COLUMN points bigint;\n',
    );
  });

  it('ALTER COLUMN … TYPE: a suggestion of plain text on an existing table, nothing mechanical on a new one', async () => {
    const existing = await tester.findings('prefer-text-field', 'ALTER TABLE orders ALTER COLUMN coupon_code TYPE varchar(64);\n');
    expect(existing[0]!.suggestions?.[0]?.description).toBe('Change coupon_code from varchar(64) to text');
    const fresh = await tester.findings('prefer-text-field', 'CREATE TABLE vouchers (code text);\nALTER TABLE vouchers ALTER COLUMN code TYPE varchar(64);\n');
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.fix).toBeUndefined();
    expect(fresh[0]!.suggestions ?? []).toEqual([]);
  });

  it('point at the type as written, keep the array brackets, and leave varchar arrays without a fix', async () => {
    const sql = 'CREATE TABLE products (\n  id bigint PRIMARY KEY,\n  stock_levels INTEGER[],\n  tags character varying(30)[]\n);\n';
    const ints = await tester.findings('prefer-bigint-over-int', sql);
    expect(sql.slice(ints[0]!.span.start, ints[0]!.span.end)).toBe('INTEGER');
    expect(await tester.fix('prefer-bigint-over-int', sql, { fixTypes: ['suggestion'] })).toBe(
      'CREATE TABLE products (\n  id bigint PRIMARY KEY,\n  stock_levels bigint[],\n  tags character varying(30)[]\n);\n',
    );
    const tags = await tester.findings('prefer-text-field', sql);
    expect(tags).toHaveLength(1);
    expect(sql.slice(tags[0]!.span.start, tags[0]!.span.end)).toBe('character varying(30)');
    expect(tags[0]!.fix).toBeUndefined();
  });

  it('prefer-bigint-over-int: one finding per statement names every 32-bit key column, and its suggestion widens them all', async () => {
    // A moderation-log table as a Diesel project writes it by hand: a serial id and two int foreign keys.
    const sql = [
      'CREATE TABLE mod_remove_post (',
      '    id serial PRIMARY KEY,',
      '    mod_user_id int REFERENCES user_ ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,',
      '    post_id int REFERENCES post ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,',
      '    reason text,',
      '    when_ timestamp NOT NULL DEFAULT now()',
      ');',
      '',
      'CREATE TABLE mod_ban (',
      '    id serial PRIMARY KEY,',
      '    other_user_id int NOT NULL,',
      '    banned boolean DEFAULT TRUE',
      ');',
      '',
    ].join('\n');
    const recommended = new RuleTester({ settings: { preset: 'recommended' }, ruleSeverity: 'warn' });
    const found = await recommended.findings('prefer-bigint-over-int', sql);
    expect(found.map((f) => [f.loc.line, f.message])).toEqual([
      [
        2,
        'Columns mod_remove_post.id (serial), mod_remove_post.mod_user_id (integer) and mod_remove_post.post_id (integer) are 32-bit integers: the largest value is 2,147,483,647, and changing them to bigint later rewrites the table under an ACCESS EXCLUSIVE lock.',
      ],
      // other_user_id has no foreign key: not an id in `recommended`, so only the key is named.
      [
        10,
        'Column mod_ban.id is serial: the largest value is 2,147,483,647, and changing it to bigint later rewrites the table under an ACCESS EXCLUSIVE lock.',
      ],
    ]);
    expect(found[0]!.suggestions?.[0]?.description).toBe(
      'Change id from serial to bigserial; Change mod_user_id from int to bigint; Change post_id from int to bigint',
    );
    const fixed = await recommended.fix('prefer-bigint-over-int', sql, { fixTypes: ['suggestion'] });
    expect(fixed.split('\n').slice(0, 4)).toEqual([
      'CREATE TABLE mod_remove_post (',
      '    id bigserial PRIMARY KEY,',
      '    mod_user_id bigint REFERENCES user_ ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,',
      '    post_id bigint REFERENCES post ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,',
    ]);
    expect(fixed).toContain('    id bigserial PRIMARY KEY,\n    other_user_id int NOT NULL,');
    // strict names every int column of the statement, still once.
    const strict = await tester.findings('prefer-bigint-over-int', sql);
    expect(strict.map((f) => f.loc.line)).toEqual([2, 10]);
    expect(strict[1]!.message).toMatch(/^Columns mod_ban\.id \(serial\) and mod_ban\.other_user_id \(integer\) are 32-bit integers:/);
  });

  it("prefer-bigint-over-int (recommended): a foreign key of its integer key's width is the key's finding; a narrower one is reported", async () => {
    // The shape of Lemmy's 2019 create_community and documenso's Prisma initial migration: serial ids, and int columns
    // referencing them inline or by a later ADD CONSTRAINT. A column narrower than its key (int -> bigint) is the bug.
    const sql = [
      'CREATE TABLE user_ (',
      '  id serial PRIMARY KEY,',
      '  name varchar(20) NOT NULL',
      ');',
      '',
      'CREATE TABLE category (',
      '  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,',
      '  name varchar(100) NOT NULL',
      ');',
      '',
      'CREATE TABLE community (',
      '  id serial PRIMARY KEY,',
      '  category_id int REFERENCES category ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,',
      '  creator_id int REFERENCES user_ ON UPDATE CASCADE ON DELETE CASCADE NOT NULL',
      ');',
      '',
      'CREATE TABLE community_moderator (',
      '  community_id int NOT NULL,',
      '  user_id int REFERENCES user_ ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,',
      '  published timestamp NOT NULL DEFAULT now()',
      ');',
      '',
      'ALTER TABLE community_moderator ADD CONSTRAINT community_moderator_community_id_fkey FOREIGN KEY (community_id) REFERENCES community (id);',
      '',
    ].join('\n');
    const recommended = new RuleTester({ settings: { preset: 'recommended' }, ruleSeverity: 'warn' });
    const found = await recommended.findings('prefer-bigint-over-int', sql);
    expect(found.map((f) => [f.loc.line, f.message])).toEqual([
      [2, 'Column user_.id is serial: the largest value is 2,147,483,647, and changing it to bigint later rewrites the table under an ACCESS EXCLUSIVE lock.'],
      [
        12,
        'Columns community.id (serial) and community.category_id (integer) are 32-bit integers: the largest value is 2,147,483,647, and changing them to bigint later rewrites the table under an ACCESS EXCLUSIVE lock.',
      ],
    ]);
    // strict still names every int column.
    const strict = await tester.findings('prefer-bigint-over-int', sql);
    expect(strict.map((f) => f.loc.line)).toEqual([2, 12, 18]);
    expect(strict[1]!.message).toMatch(/community\.creator_id/);
  });

  it('prefer-bigint-over-int: columns of the same type are named once with it', async () => {
    const found = await tester.findings('prefer-bigint-over-int', 'ALTER TABLE orders ADD COLUMN points integer, ADD COLUMN referrals integer;\n');
    expect(found.map((f) => f.message)).toEqual([
      'Columns orders.points and orders.referrals are integer: the largest value is 2,147,483,647, and changing them to bigint later rewrites the table under an ACCESS EXCLUSIVE lock.',
    ]);
  });

  it('do not flag what they should not: varchar without length, timestamptz, "char", bigint', async () => {
    const sql = 'CREATE TABLE ok (a varchar, b timestamp with time zone, c "char", d bigint, e int8, f text);\n';
    for (const id of [
      'prefer-text-field',
      'prefer-timestamptz',
      'ban-char-field',
      'prefer-bigint-over-int',
      'prefer-bigint-over-smallint',
      'prefer-identity',
    ]) {
      expect(await tester.findings(id, sql), id).toEqual([]);
    }
  });

  it('prefer-identity on a serial column added to a new table is a fix; the rewrite keeps NOT NULL semantics', async () => {
    const sql = 'CREATE TABLE tickets (subject text);\nALTER TABLE tickets ADD COLUMN id serial8 PRIMARY KEY;\n';
    expect(await tester.fix('prefer-identity', sql, { fixTypes: ['suggestion'] })).toBe(
      'CREATE TABLE tickets (subject text);\nALTER TABLE tickets ADD COLUMN id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY;\n',
    );
  });

  it('edits only verbatim SQL: a multi-byte comment before the type does not shift the edit', async () => {
    const sql = '-- Kundenbestellungen für Übersee\nCREATE TABLE überseebestellungen (id serial PRIMARY KEY, notiz varchar(200));\n';
    expect(await tester.fix('prefer-text-field', sql, { fixTypes: ['suggestion'] })).toBe(
      '-- Kundenbestellungen für Übersee\nCREATE TABLE überseebestellungen (id serial PRIMARY KEY, notiz text CHECK (char_length(notiz) <= 200));\n',
    );
  });
});
