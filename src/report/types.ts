import type { RuleMeta } from '../engine/rule.js';
import type { FileResult } from '../types.js';

export interface ReportContext {
  cwd: string;
  rules: RuleMeta[];
  color: boolean;
}

export type Formatter = (results: FileResult[], ctx: ReportContext) => string;
