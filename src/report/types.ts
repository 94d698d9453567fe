import type { RuleMeta } from '../engine/rule.js';
import type { TraceReport } from '../trace/trace.js';
import type { FileResult, SkippedFile } from '../types.js';

export interface ReportContext {
  cwd: string;
  rules: RuleMeta[];
  color: boolean;
  /** migralint's version, for tool metadata (SARIF). */
  version?: string;
  /** Files a directory walk found and left out, with why (absolute paths): coverage. */
  skipped?: SkippedFile[];
  /** `migralint trace --format markdown`: what the migrations did on a real server, for the review's lock picture. */
  trace?: TraceReport;
}

export type Formatter = (results: FileResult[], ctx: ReportContext) => string;
