import { lintText } from '../../src/engine/lint-text.js';
const r = await lintText(process.argv[2]!.replace(/\\n/g, '\n'), { severities: {} });
console.log(r.findings.map((f) => `${f.loc.line} ${f.ruleId} ${f.severity}: ${f.message} ${JSON.stringify(f.data)}`).join('\n'));
