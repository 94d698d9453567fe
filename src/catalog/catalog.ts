import type { QualifiedName } from '../types.js';
import { quoteQualified } from '../sql/quote.js';

export interface TableStats {
  rows?: number;
  bytes?: number;
  partitioned?: boolean;
  /** Named in `largeTables`: large whatever its row count. */
  forcedLarge?: boolean;
}

/** A snapshot of table sizes, as `migralint stats` writes it and `--stats` reads it. */
export interface StatsSnapshot {
  version: 1;
  serverVersion?: string;
  generatedAt?: string;
  tables: Array<{ schema: string; name: string; rows: number; bytes: number; partitioned?: boolean }>;
  invalidIndexes?: Array<{ schema: string; name: string; table: string }>;
}

/**
 * Folds an identifier as PostgreSQL does: unquoted names are lower-cased, "quoted" names kept.
 * Accepts `name`, `schema.name`, `"Mixed".name`.
 */
export function parseQualifiedName(text: string): QualifiedName {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      let part = '';
      while (j < text.length) {
        if (text[j] === '"' && text[j + 1] === '"') {
          part += '"';
          j += 2;
        } else if (text[j] === '"') break;
        else part += text[j++];
      }
      parts.push(part);
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.') j++;
      parts.push(text.slice(i, j).trim().toLowerCase());
      i = j;
    }
    if (text[i] === '.') i++;
  }
  if (parts.length >= 2) return { schema: parts[parts.length - 2], name: parts[parts.length - 1]! };
  return { name: parts[0] ?? '' };
}

export function tableKey(rel: QualifiedName, defaultSchema = 'public'): string {
  return `${rel.schema ?? defaultSchema}.${rel.name}`;
}

/**
 * `tableKey(a) === tableKey(b)`, without making the two keys (the analysis compares a statement's locks with its tables
 * per statement). Two keys of different schemas can still be equal (`"a.b".c`, `a."b.c"`): those are compared as keys.
 */
export function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  const sa = a.schema ?? 'public';
  const sb = b.schema ?? 'public';
  if (sa === sb) return a.name === b.name;
  return sa.length + a.name.length === sb.length + b.name.length && tableKey(a) === tableKey(b);
}

export function displayName(rel: QualifiedName): string {
  return quoteQualified(rel.name, rel.schema);
}

export interface CatalogData {
  tables: Array<[string, TableStats]>;
  invalid: string[];
  serverVersion?: string;
  sources: string[];
}

/** Table sizes from every source, strongest first: live database / stats snapshot, then config. */
export class Catalog {
  private readonly tables = new Map<string, TableStats>();
  private readonly invalid = new Set<string>();
  serverVersion?: string;
  /** Where the sizes came from, for messages ("stats snapshot migralint-stats.json"). */
  sources: string[] = [];
  /** The database or snapshot read, if any ("database postgres://…", "stats snapshot x.json"). */
  snapshotSource?: string;

  static empty(): Catalog {
    return new Catalog();
  }

  get size(): number {
    return this.tables.size;
  }

  /** Config `tables` and `largeTables`. Does not override sizes from a database or snapshot. */
  addConfig(tables: Record<string, TableStats> | undefined, largeTables: string[] | undefined): void {
    for (const [name, stats] of Object.entries(tables ?? {})) {
      const key = tableKey(parseQualifiedName(name));
      // A table described in config is a partitioned parent only when it says so.
      if (!this.tables.has(key)) this.tables.set(key, { ...stats, partitioned: stats.partitioned ?? false });
    }
    for (const name of largeTables ?? []) {
      const key = tableKey(parseQualifiedName(name));
      const existing = this.tables.get(key) ?? {};
      this.tables.set(key, { ...existing, partitioned: existing.partitioned ?? false, forcedLarge: true });
    }
    if (tables || largeTables) this.sources.push('config');
  }

  addSnapshot(snapshot: StatsSnapshot, source: string): void {
    for (const t of snapshot.tables) {
      const key = tableKey({ schema: t.schema, name: t.name });
      const existing = this.tables.get(key);
      this.tables.set(key, { rows: t.rows, bytes: t.bytes, partitioned: t.partitioned ?? false, forcedLarge: existing?.forcedLarge });
    }
    for (const ix of snapshot.invalidIndexes ?? []) this.invalid.add(tableKey({ schema: ix.schema, name: ix.name }));
    this.serverVersion = snapshot.serverVersion;
    this.snapshotSource = source;
    this.sources.unshift(source);
  }

  /** Everything it holds as plain data (to hand to a worker thread); Catalog.fromData restores it. */
  toData(): CatalogData {
    return { tables: [...this.tables], invalid: [...this.invalid], serverVersion: this.serverVersion, sources: [...this.sources] };
  }

  static fromData(data: CatalogData): Catalog {
    const c = new Catalog();
    for (const [k, v] of data.tables) c.tables.set(k, v);
    for (const k of data.invalid) c.invalid.add(k);
    c.serverVersion = data.serverVersion;
    c.sources = [...data.sources];
    return c;
  }

  /** Every size fact as one string: equal fingerprints, equal answers (the lint cache keys on it). */
  fingerprint(): string {
    return JSON.stringify([
      [...this.tables].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      [...this.invalid].sort(),
      this.serverVersion ?? null,
      this.sources,
    ]);
  }

  lookup(rel: QualifiedName): TableStats | undefined {
    return this.tables.get(tableKey(rel));
  }

  isInvalidIndex(rel: QualifiedName): boolean {
    return this.invalid.has(tableKey(rel));
  }
}
