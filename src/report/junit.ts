import type { FileResult } from '../types.js';
import { fullMessage, reportPath, sortedFindings, type ReportContext } from './common.js';

/**
 * JUnit XML: one <testsuite> per file, one failing <testcase> per error, a passing <testcase> with the text in
 * <system-out> per warning or info (a file without findings is one passing test case), an <error> for a file
 * that could not be linted. CI systems show these as test results.
 */
export function format(results: FileResult[], ctx: ReportContext): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const result of results) {
    const file = reportPath(result.filePath, ctx.cwd);
    const cases: string[] = [];
    let suiteFailures = 0;
    if (result.fatal) {
      cases.push(`    <testcase name="${attr(file)}" classname="${attr(file)}">\n      <error message="${attr(result.fatal)}"></error>\n    </testcase>`);
    }
    for (const f of sortedFindings(result)) {
      const name = `${f.ruleId} at ${f.loc.line}:${f.loc.column}`;
      const body = `${f.severity}: ${fullMessage(f)}\n${file}:${f.loc.line}:${f.loc.column}`;
      if (f.severity === 'error') {
        suiteFailures++;
        cases.push(
          `    <testcase name="${attr(name)}" classname="${attr(file)}">\n      <failure message="${attr(f.message)}" type="${attr(f.ruleId)}">${text(body)}</failure>\n    </testcase>`,
        );
      } else {
        // A warning does not fail the build (the exit code agrees): a passing test case whose output shows it.
        cases.push(
          `    <testcase name="${attr(`${f.severity}: ${name}`)}" classname="${attr(file)}">\n      <system-out>${text(body)}</system-out>\n    </testcase>`,
        );
      }
    }
    if (!result.fatal && cases.length === 0) cases.push(`    <testcase name="${attr(file)}" classname="${attr(file)}"></testcase>`);
    const suiteErrors = result.fatal ? 1 : 0;
    tests += cases.length;
    failures += suiteFailures;
    errors += suiteErrors;
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="${suiteErrors}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="migralint" tests="${tests}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}

// Characters XML 1.0 does not allow at all (control characters other than tab, LF, CR; lone surrogates).
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function text(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
