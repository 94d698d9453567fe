import { describe, expect, it } from 'vitest';
import { sameTable, tableKey } from '../../src/catalog/catalog.js';

describe('sameTable', () => {
  it('says what comparing the two tables’ keys says, public being the schema of an unqualified name', () => {
    const names = [
      { name: 'orders' },
      { schema: 'public', name: 'orders' },
      { schema: 'sales', name: 'orders' },
      { schema: 'public', name: 'Orders' },
      { schema: 'a.b', name: 'c' },
      { schema: 'a', name: 'b.c' },
      { schema: 'a', name: 'bc' },
    ];
    for (const a of names) for (const b of names) expect(sameTable(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(tableKey(a) === tableKey(b));
    expect(sameTable({ name: 'orders' }, { schema: 'public', name: 'orders' })).toBe(true);
    expect(sameTable({ schema: 'sales', name: 'orders' }, { name: 'orders' })).toBe(false);
  });
});
