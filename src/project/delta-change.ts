/**
 * What one migration changed in a value it replaces (a framework's state, a table of the catalog), as a small value
 * the lint cache can keep. A delta carries the new value whole: Django's whole state after each migration, each
 * table a migration alters with all its columns. Kept whole per migration, a long history's cache grows with the
 * square of its length (Saleor: 9 MB for 1,416 migrations). A migration changes little of what it replaces, and
 * state is changed by copy-on-write (a Django model it changes is a new object, the others are the incoming ones),
 * so the change is found by identity first, then by value.
 *
 * Applying a change to the incoming value gives a value JSON writes exactly as it writes the new one, key order
 * included (something may iterate it): a record whose keys moved (one dropped and added again goes to the end) is
 * kept whole.
 */
import type { SchemaDelta, SchemaModel } from './model.js';

/**
 * A value's change: `v` the new value whole; `o` a record changed key by key (`d` the keys dropped); `p`/`s`/`m` an
 * array that keeps its first `p` and last `s` items and holds `m` between them.
 */
export type ValueChange = { v: unknown } | { o: Record<string, ValueChange>; d?: string[] } | { p: number; s: number; m: unknown[] };

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A record's keys as JSON writes it: a property whose value is undefined is left out. Changes are taken as JSON sees
 * the values, since that is how the cache keeps them (and keeps the deltas and results it stored before).
 */
function keysOf(x: Record<string, unknown>): string[] {
  return Object.keys(x).filter((k) => x[k] !== undefined);
}

/** Values JSON writes the same way, key order included (an array's undefined item is written as null). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = keysOf(a as Record<string, unknown>);
  const kb = keysOf(b as Record<string, unknown>);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !same((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!])) return false;
  }
  return true;
}

/**
 * `after`'s keys in order are `before`'s kept ones in their order, then the new ones: else undefined (the order a
 * change applied to `before` gives would differ). Returns the keys of `before` that `after` dropped.
 */
function droppedKeepingOrder(before: Record<string, unknown>, after: Record<string, unknown>): string[] | undefined {
  const afterKeys = keysOf(after);
  const drop: string[] = [];
  let i = 0;
  for (const k of keysOf(before)) {
    if (after[k] === undefined) {
      drop.push(k);
      continue;
    }
    if (afterKeys[i++] !== k) return undefined;
  }
  return drop;
}

/** The change from `before` to `after`: null when they are equal. */
function change(before: unknown, after: unknown): ValueChange | null {
  if (before === after) return null;
  if (isPlainRecord(before) && isPlainRecord(after)) {
    const d = droppedKeepingOrder(before, after);
    if (!d) return { v: after };
    const o: Record<string, ValueChange> = {};
    let changed = d.length > 0;
    for (const k of keysOf(after)) {
      const c = before[k] !== undefined ? change(before[k], after[k]) : { v: after[k] };
      if (c) {
        o[k] = c;
        changed = true;
      }
    }
    if (!changed) return null;
    return d.length ? { o, d } : { o };
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    let p = 0;
    while (p < before.length && p < after.length && same(before[p], after[p])) p++;
    let s = 0;
    while (s < before.length - p && s < after.length - p && same(before[before.length - 1 - s], after[after.length - 1 - s])) s++;
    if (p === before.length && p === after.length) return null;
    return { p, s, m: after.slice(p, after.length - s) };
  }
  if (typeof before !== 'object' && typeof after !== 'object' && same(before, after)) return null;
  return { v: after };
}

/** The change from `before` to `after` (`after` whole when there was nothing before). */
export function valueChange(before: unknown, after: unknown): ValueChange {
  return (before === undefined ? { v: after } : change(before, after)) ?? { o: {} };
}

/**
 * The value a change leaves over `before`, or undefined when it does not fit `before` (a record change over a
 * non-record, an array shorter than what it keeps). `before` is not changed; what the change leaves alone is shared.
 */
export function applyValueChange(before: unknown, c: ValueChange): unknown {
  if ('v' in c) return c.v;
  if ('o' in c) {
    if (!isPlainRecord(before)) return undefined;
    const out: Record<string, unknown> = { ...before };
    for (const k of c.d ?? []) delete out[k];
    for (const [k, sub] of Object.entries(c.o)) {
      const v = applyValueChange(before[k], sub);
      if (v === undefined) return undefined;
      // A key JSON did not write (its value undefined) is new: it goes to the end, as in the value changed.
      if (before[k] === undefined) delete out[k];
      out[k] = v;
    }
    return out;
  }
  if (!Array.isArray(before) || c.p + c.s > before.length) return undefined;
  return [...before.slice(0, c.p), ...c.m, ...before.slice(before.length - c.s)];
}

/** A change read from disk is trusted only in shape. */
export function isValueChange(x: unknown): x is ValueChange {
  if (!isPlainRecord(x)) return false;
  if ('v' in x) return Object.keys(x).length === 1;
  if ('o' in x) return isPlainRecord(x.o) && (x.d === undefined || isStrings(x.d)) && Object.values(x.o).every(isValueChange);
  return Number.isInteger(x.p) && Number.isInteger(x.s) && (x.p as number) >= 0 && (x.s as number) >= 0 && Array.isArray(x.m);
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

const KINDS = ['schemas', 'tables', 'indexes', 'types', 'views', 'sequences'] as const;

/**
 * A SchemaDelta as the cache keeps it: each object it sets as its change from the object the migration met (null for
 * one it dropped), and the framework's state as its change from the incoming state, named by that state's
 * fingerprint.
 */
export interface PackedDelta {
  objects: Record<(typeof KINDS)[number], Record<string, ValueChange | null>>;
  framework?: { from: string; change: ValueChange };
}

/** The state's own name for itself (Django's digest of the migrations replayed into it); '' for none yet. */
function fingerprintOf(state: unknown): string | undefined {
  if (state === undefined) return '';
  const f = isPlainRecord(state) ? state.fingerprint : undefined;
  return typeof f === 'string' ? f : undefined;
}

/**
 * `delta` as its change from `incoming` (the catalog the migration met); undefined when the framework's state does
 * not name itself (nothing could tell a later run that it meets the same state).
 */
export function packDelta(delta: SchemaDelta, incoming: SchemaModel): PackedDelta | undefined {
  const objects = {} as PackedDelta['objects'];
  for (const kind of KINDS) {
    const before = incoming[kind] as Record<string, unknown>;
    const out: Record<string, ValueChange | null> = {};
    for (const [k, v] of Object.entries(delta[kind] as Record<string, unknown>)) out[k] = v === null || v === undefined ? null : valueChange(before[k], v);
    objects[kind] = out;
  }
  if (delta.framework === undefined) return { objects };
  const from = fingerprintOf(incoming.framework);
  if (from === undefined) return undefined;
  return { objects, framework: { from, change: valueChange(incoming.framework, delta.framework) } };
}

/** The delta a packed one stands for over `incoming`; undefined when it was not taken from a catalog like it. */
export function unpackDelta(packed: PackedDelta, incoming: SchemaModel): SchemaDelta | undefined {
  const delta = {} as Record<(typeof KINDS)[number], Record<string, unknown>>;
  for (const kind of KINDS) {
    const before = incoming[kind] as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(packed.objects[kind])) {
      if (c === null) out[k] = null;
      else {
        const v = applyValueChange(before[k], c);
        if (v === undefined) return undefined;
        out[k] = v;
      }
    }
    delta[kind] = out;
  }
  const result = delta as unknown as SchemaDelta;
  if (!packed.framework) return result;
  if (fingerprintOf(incoming.framework) !== packed.framework.from) return undefined;
  const framework = applyValueChange(incoming.framework, packed.framework.change);
  if (framework === undefined) return undefined;
  result.framework = framework;
  return result;
}

/** A packed delta read from disk is trusted only in shape. */
export function isPackedDelta(x: unknown): x is PackedDelta {
  if (!isPlainRecord(x) || !isPlainRecord(x.objects)) return false;
  const objects = x.objects;
  if (!KINDS.every((k) => isPlainRecord(objects[k]) && Object.values(objects[k]).every((c) => c === null || isValueChange(c)))) return false;
  if (x.framework === undefined) return true;
  return isPlainRecord(x.framework) && typeof x.framework.from === 'string' && isValueChange(x.framework.change);
}
