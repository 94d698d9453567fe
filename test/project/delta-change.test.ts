/**
 * What the lint cache keeps of a replay: a delta as its change from the catalog (and framework state) the migration
 * met. Written to JSON and read back, as the cache does, the change must rebuild what the replay gave, key order
 * included, and only over the state it was taken from.
 */
import { describe, expect, it } from 'vitest';
import { applyPackedInPlace, applyValueChange, isPackedDelta, isValueChange, packDelta, packedFits, valueChange } from '../../src/project/delta-change.js';
import { applyDelta, emptyDelta, emptyModel, type SchemaModel, type TableModel } from '../../src/project/model.js';

/** Through a cache file and back. */
const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function roundTrip(before: unknown, after: unknown): unknown {
  const change = viaJson(valueChange(before, after));
  expect(isValueChange(change)).toBe(true);
  return applyValueChange(viaJson(before), change);
}

const column = (name: string, type = 'text') => ({ name, type: { name: type, mods: [] as number[], array: false }, notNull: false, hasDefault: false });

const orders = (): TableModel => ({
  schema: 'public',
  name: 'orders',
  columns: [column('id', 'bigint'), column('total', 'numeric'), column('note'), column('placed_at', 'timestamptz')],
  constraints: [{ kind: 'primary', columns: ['id'], validated: true }],
  createdBy: 'db/migrations/0001_orders.sql',
});

describe('a value as its change from the one it replaces', () => {
  it('rebuilds the new value from the old one through JSON, key order included', () => {
    const before = orders();
    const cases: Array<[string, unknown]> = [
      ['a column added at the end', { ...before, columns: [...before.columns, column('currency')] }],
      ['a column dropped in the middle', { ...before, columns: before.columns.filter((c) => c.name !== 'total') }],
      ['a column changed in place', { ...before, columns: before.columns.map((c) => (c.name === 'note' ? { ...c, notNull: true } : c)) }],
      ['a key added', { ...before, partitioned: true }],
      ['a key dropped', { schema: before.schema, name: before.name, columns: before.columns, createdBy: before.createdBy }],
      // Dropped and set again: the key moves to the end, and the change must say so.
      ['a key moved to the end', { schema: before.schema, name: before.name, columns: before.columns, createdBy: before.createdBy, constraints: [] }],
      ['an undefined property (JSON leaves it out)', { ...before, partitionOf: undefined, columns: [column('id', 'bigint')] }],
      ['a record replaced by an array', []],
      ['nothing', before],
    ];
    for (const [what, after] of cases) {
      const rebuilt = roundTrip(before, after);
      expect(JSON.stringify(rebuilt), what).toBe(JSON.stringify(after));
    }
  });

  it('keeps only what changed: a long list with one item added is not written again', () => {
    const before = { models: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`shop.model${i}`, { fields: [['id', { column: 'id' }]] }])) };
    const after = {
      models: {
        ...before.models,
        'shop.model7': {
          fields: [
            ['id', { column: 'id' }],
            ['sku', { column: 'sku' }],
          ],
        },
      },
    };
    const change = valueChange(before, after);
    expect(change).toEqual({ o: { models: { o: { 'shop.model7': { o: { fields: { p: 1, s: 0, m: [['sku', { column: 'sku' }]] } } } } } } });
    expect(JSON.stringify(roundTrip(before, after))).toBe(JSON.stringify(after));
  });

  it('a change that does not fit the value it is applied to gives nothing', () => {
    expect(applyValueChange([1], { p: 2, s: 0, m: [] })).toBeUndefined();
    expect(applyValueChange('text', { o: { a: { v: 1 } } })).toBeUndefined();
    expect(applyValueChange({ a: 'text' }, { o: { a: { o: {} } } })).toBeUndefined();
  });
});

describe('a replay delta packed for the cache', () => {
  const incoming = (): SchemaModel => ({
    ...emptyModel(),
    tables: { 'public.orders': orders() },
    framework: { models: { 'shop.order': { table: 'shop_order', fields: [['id', { column: 'id' }]] } }, fingerprint: 'state-after-0001' },
  });

  it('is rebuilt over the catalog and framework state the migration met', () => {
    const met = incoming();
    const delta = emptyDelta();
    delta.tables['public.orders'] = { ...met.tables['public.orders']!, columns: [...met.tables['public.orders']!.columns, column('currency')] };
    delta.tables['public.customers'] = { schema: 'public', name: 'customers', columns: [column('id', 'bigint')], constraints: [], createdBy: '0002' };
    delta.indexes['public.orders_note_idx'] = null;
    delta.framework = {
      models: {
        'shop.order': {
          table: 'shop_order',
          fields: [
            ['id', { column: 'id' }],
            ['currency', { column: 'currency' }],
          ],
        },
      },
      fingerprint: 'state-after-0002',
    };
    const packed = viaJson(packDelta(delta, met))!;
    expect(isPackedDelta(packed)).toBe(true);
    // Not the whole table, nor the whole state.
    expect(JSON.stringify(packed)).not.toContain('placed_at');
    const applied = viaJson(met);
    expect(packedFits(packed, applied)).toBe(true);
    applyPackedInPlace(applied, packed);
    expect(JSON.stringify(applied)).toBe(JSON.stringify(applyDelta(met, delta)));
  });

  it('is not used over another framework state: the state it was taken from is named in it', () => {
    const met = incoming();
    const delta = emptyDelta();
    delta.framework = { ...(met.framework as object), fingerprint: 'state-after-0002' };
    const packed = viaJson(packDelta(delta, met))!;
    const other = incoming();
    other.framework = { models: {}, fingerprint: 'state-after-another-0001' };
    expect(packedFits(packed, other)).toBe(false);
    expect(packedFits(packed, incoming())).toBe(true);
    // A state that names no fingerprint cannot be told apart from another: such a delta is not packed.
    expect(packDelta(delta, { ...met, framework: { models: {} } })).toBeUndefined();
  });

  it('a delta read from disk is trusted only in shape', () => {
    const packed = viaJson(packDelta(emptyDelta(), incoming()));
    expect(isPackedDelta(packed)).toBe(true);
    expect(isPackedDelta({ objects: { tables: {} } })).toBe(false);
    expect(isPackedDelta({ ...packed, objects: { ...packed!.objects, tables: { 'public.orders': { p: 'x' } } } })).toBe(false);
    expect(isPackedDelta({ ...packed, framework: { from: 1, change: { v: 1 } } })).toBe(false);
  });

  it('applied in place, changes neither the packed delta (the cache keeps it) nor a state another holds', () => {
    // A first migration: the whole state. Its packed form is a copy, though it names the state the run goes on with.
    const first = emptyDelta();
    const state = { models: { 'shop.order': { table: 'shop_order', fields: [['id', { column: 'id' }]] } }, fingerprint: 'state-after-0001' };
    first.framework = state;
    const packedFirst = packDelta(first, emptyModel())!;
    const model = emptyModel();
    model.framework = state;
    const second = emptyDelta();
    second.framework = { models: { ...state.models, 'shop.customer': { table: 'shop_customer', fields: [] } }, fingerprint: 'state-after-0002' };
    const packedSecond = packDelta(second, model)!;
    const written = [JSON.stringify(packedFirst), JSON.stringify(packedSecond)];
    applyPackedInPlace(model, packedSecond);
    expect(Object.keys((model.framework as typeof state).models)).toEqual(['shop.order', 'shop.customer']);
    expect([JSON.stringify(packedFirst), JSON.stringify(packedSecond)]).toEqual(written);
    // From the cache's own objects: the first migration's state taken whole is copied before it is changed in place.
    const fresh = emptyModel();
    const stored = viaJson(packedFirst);
    applyPackedInPlace(fresh, stored);
    applyPackedInPlace(fresh, viaJson(packedSecond));
    expect(JSON.stringify(stored)).toBe(written[0]);
    expect(JSON.stringify(fresh.framework)).toBe(JSON.stringify(second.framework));
  });
});
