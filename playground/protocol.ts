/** Messages between the playground page and its worker. */
import type { LockPicture } from '../src/report/lock-picture.js';
import type { PresetName } from '../src/types.js';

export interface LintRequest {
  seq: number;
  framework: string;
  text: string;
  pgVersion: number;
  largeTableRows?: number;
  /** Table sizes, as config `tables`: "schema.table" or "table" → rows (and bytes). */
  tables: Record<string, { rows?: number; bytes?: number; partitioned?: boolean }>;
  largeTables: string[];
  /** The preset, as config `preset`. */
  preset?: PresetName;
  /** Rule id → severity, as config `rules`. */
  rules?: Record<string, 'off' | 'info' | 'warn' | 'error'>;
}

export interface PlaygroundFinding {
  ruleId: string;
  severity: 'info' | 'warn' | 'error';
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  help?: string;
  lock?: { mode: string; relation: string; blocks: string[] };
  table?: { name: string; rows?: number; bytes?: number; sizeClass: string };
  fixable: boolean;
  suggestions: string[];
  /** The finding's first source line, for the list. */
  source: string;
  /** The rule's page. */
  docsUrl: string;
}

export interface LintResponse {
  seq: number;
  framework: string;
  assumption?: string;
  findings: PlaygroundFinding[];
  /** The lock picture, as the review comment draws it. */
  picture?: LockPicture;
  /** The migration with every safe fix applied (as `--fix` would), when any applies. */
  fixed?: { text: string; applied: number; diff: string; otherFiles: string[] };
  rejected?: string;
  error?: string;
}
