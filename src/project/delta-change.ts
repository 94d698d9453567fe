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
import { setIndexInPlace, type IndexModel, type SchemaDelta, type SchemaModel } from './model.js';

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
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // The keys JSON writes (keysOf), walked side by side without building the lists: most calls compare two copies
  // of one Django field or table column.
  const ka = Object.keys(ra);
  const kb = Object.keys(rb);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < ka.length && ra[ka[i]!] === undefined) i++;
    while (j < kb.length && rb[kb[j]!] === undefined) j++;
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
    if (ka[i] !== kb[j] || !same(ra[ka[i]!], rb[kb[j]!])) return false;
    i++;
    j++;
  }
}

/**
 * `after`'s keys in order are `before`'s kept ones in their order, then the new ones: else undefined (the order a
 * change applied to `before` gives would differ). Returns the keys of `before` that `after` dropped.
 */
function droppedKeepingOrder(before: Record<string, unknown>, after: Record<string, unknown>): string[] | undefined {
  const afterKeys = Object.keys(after);
  const drop: string[] = [];
  let i = 0;
  for (const k of Object.keys(before)) {
    if (before[k] === undefined) continue;
    if (after[k] === undefined) {
      drop.push(k);
      continue;
    }
    while (i < afterKeys.length && after[afterKeys[i]!] === undefined) i++;
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
  // A copy, as the cache file will hold it: the history changes its state and the state's records in place
  // (applyPackedInPlace), and this change may name them (the whole state after a first migration).
  const change = JSON.parse(JSON.stringify(valueChange(incoming.framework, delta.framework))) as ValueChange;
  return { objects, framework: { from, change } };
}

/** Whether a change fits `before`: applyValueChange gives a value, not undefined. */
function fits(before: unknown, c: ValueChange): boolean {
  if ('v' in c) return true;
  if ('o' in c) return isPlainRecord(before) && Object.entries(c.o).every(([k, sub]) => fits(before[k], sub));
  return Array.isArray(before) && c.p + c.s <= before.length;
}

/** Whether `packed` was taken from a catalog like `incoming`: its framework state is the one named, and each change fits. */
export function packedFits(packed: PackedDelta, incoming: SchemaModel): boolean {
  for (const kind of KINDS) {
    const before = incoming[kind] as Record<string, unknown>;
    for (const [k, c] of Object.entries(packed.objects[kind])) if (c !== null && !fits(before[k], c)) return false;
  }
  if (!packed.framework) return true;
  return fingerprintOf(incoming.framework) === packed.framework.from && fits(incoming.framework, packed.framework.change);
}

/**
 * Applies a packed delta that fits (packedFits) to a catalog its owner changes in place (ProjectHistory's): what
 * unpackDelta and applying the delta give, without a copy of the framework state per migration (a Django state's
 * record of every model, copied per migration, was most of a warm run's replay). The state and its top-level
 * records are changed in place; a value below them that changes is a new one, so what another holds is not changed.
 */
export function applyPackedInPlace(model: SchemaModel, packed: PackedDelta): void {
  for (const kind of KINDS) {
    const into = model[kind] as Record<string, unknown>;
    for (const [k, c] of Object.entries(packed.objects[kind])) {
      const v = c === null ? null : applyValueChange(into[k], c);
      if (kind === 'indexes') setIndexInPlace(model.indexes, k, v as IndexModel | null);
      else if (v === null) delete into[k];
      else into[k] = v;
    }
  }
  if (!packed.framework) return;
  const c = packed.framework.change;
  if (!('o' in c) || !isPlainRecord(model.framework)) {
    model.framework = ownedState(applyValueChange(model.framework, c));
    return;
  }
  const state = model.framework;
  for (const k of c.d ?? []) delete state[k];
  for (const [k, sub] of Object.entries(c.o)) {
    const old = state[k];
    if ('o' in sub && isPlainRecord(old)) {
      for (const key of sub.d ?? []) delete old[key];
      for (const [key, inner] of Object.entries(sub.o)) {
        const v = applyValueChange(old[key], inner);
        if (old[key] === undefined) delete old[key];
        old[key] = v;
      }
    } else {
      const v = applyValueChange(old, sub);
      if (old === undefined) delete state[k];
      // A record taken whole from the change (the cache's own object) is copied: it is changed in place later.
      state[k] = isPlainRecord(v) ? { ...v } : v;
    }
  }
}

/** A state taken whole from a change, copied where it is changed in place later: itself and its records. */
function ownedState(state: unknown): unknown {
  if (!isPlainRecord(state)) return state;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state)) out[k] = isPlainRecord(state[k]) ? { ...state[k] } : state[k];
  return out;
}

/** A packed delta read from disk is trusted only in shape. */
export function isPackedDelta(x: unknown): x is PackedDelta {
  if (!isPlainRecord(x) || !isPlainRecord(x.objects)) return false;
  const objects = x.objects;
  if (!KINDS.every((k) => isPlainRecord(objects[k]) && Object.values(objects[k]).every((c) => c === null || isValueChange(c)))) return false;
  if (x.framework === undefined) return true;
  return isPlainRecord(x.framework) && typeof x.framework.from === 'string' && isValueChange(x.framework.change);
}
