/**
 * ActiveRecord keeps an old migration's defaults (Migration::Compatibility): `[5.0]` and older make integer keys —
 * create_table's id is serial and references are integer columns (bigint from 5.1) — and `[4.2]` and older add no
 * index for a reference unless asked. The schema model must hold the types the database got, or a later
 * `change_column … :integer` reads as a bigint → integer rewrite (publishing-api's change_notes, 2016).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParsers } from '../../src/engine/lint-text.js';
import { DEFAULT_SETTINGS } from '../../src/engine/lint.js';
import { adapterFor } from '../../src/sources/index.js';
import { cliJson } from '../helpers/cli-json.js';
import { tempDirs, write } from '../helpers/repo.js';

beforeAll(loadParsers);

const tempDir = tempDirs('migralint-rails-compat-');

const migration = (name: string, version: string, body: string[]) =>
  [`class ${name} < ActiveRecord::Migration${version}`, '  def change', ...body, '  end', 'end', ''].join('\n');

const sqlOf = (version: string, body: string[]): string[] =>
  adapterFor('rails')
    .extract(
      { path: 'db/migrate/20161007080213_create_change_notes.rb', text: migration('CreateChangeNotes', version, body), bom: false },
      { settings: DEFAULT_SETTINGS, warn: () => {} },
    )
    .items.map((i) => (i.kind === 'operation' ? i.sql : i.text));

const CREATE = ['    create_table :change_notes do |t|', '      t.string :note', '      t.references :content_item, foreign_key: true', '    end'];

describe('Rails key types and reference indexes by migration version', () => {
  it('[4.2]: serial id, integer reference, no index unless asked', () => {
    expect(sqlOf('[4.2]', CREATE)).toEqual([
      'CREATE TABLE change_notes (id serial PRIMARY KEY, note character varying, content_item_id integer, CONSTRAINT fk_rails_2ce6b0e165 FOREIGN KEY (content_item_id) REFERENCES content_items (id))',
    ]);
    expect(sqlOf('', ['    add_reference :links, :link_set'])).toEqual(['ALTER TABLE links ADD COLUMN link_set_id integer']);
    expect(sqlOf('[4.2]', ['    add_reference :links, :link_set, index: true'])).toEqual([
      'ALTER TABLE links ADD COLUMN link_set_id integer',
      'CREATE INDEX index_links_on_link_set_id ON links (link_set_id)',
    ]);
  });

  it('[5.0]: serial id and integer references, indexed by default', () => {
    expect(sqlOf('[5.0]', CREATE)).toEqual([
      'CREATE TABLE change_notes (id serial PRIMARY KEY, note character varying, content_item_id integer, CONSTRAINT fk_rails_2ce6b0e165 FOREIGN KEY (content_item_id) REFERENCES content_items (id))',
      'CREATE INDEX index_change_notes_on_content_item_id ON change_notes (content_item_id)',
    ]);
    expect(sqlOf('[5.0]', ['    add_reference :links, :link_set, type: :bigint, index: nil'])).toEqual(['ALTER TABLE links ADD COLUMN link_set_id bigint']);
  });

  it('[5.1] and later: bigserial id and bigint references; an explicit id: keeps its type', () => {
    expect(sqlOf('[5.1]', CREATE)).toEqual([
      'CREATE TABLE change_notes (id bigserial PRIMARY KEY, note character varying, content_item_id bigint, CONSTRAINT fk_rails_2ce6b0e165 FOREIGN KEY (content_item_id) REFERENCES content_items (id))',
      'CREATE INDEX index_change_notes_on_content_item_id ON change_notes (content_item_id)',
    ]);
    expect(sqlOf('[4.2]', ['    create_table :tags, id: :bigint do |t|', '    end'])).toEqual(['CREATE TABLE tags (id bigserial PRIMARY KEY)']);
  });

  it("a [5.0] change_column to :integer of a [4.2] reference rewrites nothing: no changing-column-type (publishing-api's change_notes)", async () => {
    const dir = tempDir();
    write(dir, 'db/migrate/20161007080213_create_change_notes.rb', migration('CreateChangeNotes', '[4.2]', CREATE));
    write(
      dir,
      'db/migrate/20161104181821_update_change_notes.rb',
      migration('UpdateChangeNotes', '[5.0]', ['    change_table :change_notes do |t|', '      t.change :content_item_id, :integer, null: true', '    end']),
    );
    const { results } = await cliJson(['db/migrate/20161104181821_update_change_notes.rb', '--no-cache'], dir);
    expect(results.flatMap((r) => r.messages.map((m) => m.ruleId))).not.toContain('changing-column-type');
    // From [5.1] the reference is bigint, and the same change_column is a real bigint → integer rewrite.
    write(dir, 'db/migrate/20161007080213_create_change_notes.rb', migration('CreateChangeNotes', '[5.1]', CREATE));
    const again = await cliJson(['db/migrate/20161104181821_update_change_notes.rb', '--no-cache'], dir);
    expect(again.results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'changing-column-type').map((m) => m.message.split(' on ')[0]))).toEqual([
      'ALTER COLUMN content_item_id TYPE integer (was bigint)',
    ]);
  });
});
