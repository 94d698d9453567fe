import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadParsers } from '../../src/engine/lint-text.js';
import { indexName, truncateName } from '../../src/frameworks/django/editor.js';
import { DJANGO_PROJECTS, recordingPath, type DjangoRecording } from '../../scripts/django-sqlmigrate.js';
import { djangoStatements, migralintStatements } from './django-sql.js';

// The statements are derived while the tests are collected (one test per migration).
await loadParsers();

describe('Django: the SQL migralint derives matches what real Django sent (the recorded sqlmigrate output)', () => {
  for (const project of DJANGO_PROJECTS) {
    const recording = JSON.parse(readFileSync(recordingPath(project), 'utf8')) as DjangoRecording;
    const ours = migralintStatements(project.dir);

    it(`${project.dir}: the recording covers every migration (Django ${recording.django}, PostgreSQL ${recording.postgres})`, () => {
      expect(recording.migrations.map((m) => `${m.app}/${m.name}`).sort()).toEqual([...ours.keys()].sort());
    });

    for (const m of recording.migrations) {
      it(`${project.dir}: ${m.app}/${m.name}`, () => {
        expect(ours.get(`${m.app}/${m.name}`)).toEqual(djangoStatements(m.sql));
      });
    }
  }
});

describe("Django's generated names", () => {
  it('table_column_<digest><suffix>, shortened to 63 characters as Django shortens them', () => {
    // Names real Django gave (sqlmigrate of the django-store fixture).
    expect(indexName('customer_address', ['customer_id'], '_fk_accounts_customer_id')).toBe('customer_address_customer_id_0bcda8c7_fk_accounts_customer_id');
    expect(indexName('accounts_customer', ['referred_by_id'], '_fk_accounts_customer_id')).toBe('accounts_customer_referred_by_id_0127dfdf_fk_accounts_');
    expect(indexName('orders_orderline', ['order_id', 'product_id'], '_uniq')).toBe('orders_orderline_order_id_product_id_220ce243_uniq');
    expect(indexName('catalog_product', ['sku'], '_like')).toBe('catalog_product_sku_5c54c070_like');
    const long = indexName('product_variantchannellistingpromotionrule', ['variant_channel_listing_id']);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^product_variantchann\w*_variant_channel_lis\w*_[0-9a-f]{8}$/);
  });

  it('a default table name longer than 63 characters ends with a digest of the whole', () => {
    const name = `app_${'x'.repeat(70)}`;
    expect(truncateName(name)).toHaveLength(63);
    expect(truncateName(name).slice(0, 59)).toBe(name.slice(0, 59));
    expect(truncateName('orders_order')).toBe('orders_order');
  });
});
