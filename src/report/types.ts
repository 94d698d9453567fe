import type { RuleMeta } from '../engine/rule.js';
import type { FileResult } from '../types.js';

export interface ReportContext {
  cwd: string;
  rules: RuleMeta[];
  color: boolean;
  /** migralint's version, for tool metadata (SARIF). */
  version?: string;
}

export type Formatter = (results: FileResult[], ctx: ReportContext) => string;
