/**
 * migralint's SARIF validated against the SARIF 2.1.0 JSON schema (OASIS, final "rtm.5" revision), as shipped in
 * the npm package @microsoft/sarif-matcher-utils (devDependency) at lib/schemas/sarif-2.1.0-rtm.5.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ALL_RULE_META } from '../../rules/index.js';
import { lintText } from '../../src/engine/lint-text.js';
import { format as sarif } from '../../src/report/sarif.js';

const SCHEMA_PATH = '@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json';

function loadSchema(): Record<string, unknown> {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(SCHEMA_PATH);
  } catch {
    throw new Error(`the SARIF 2.1.0 schema is not installed: add the devDependency @microsoft/sarif-matcher-utils (it ships ${SCHEMA_PATH})`);
  }
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // A draft-04 schema ("id", "$schema" draft-04) that uses no draft-04-only keywords: validate it as draft-07.
  delete schema.$schema;
  delete schema.id;
  return schema;
}

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }); // the schema's language pattern is not valid with the u flag;
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(loadSchema());
}

describe('SARIF output against the SARIF 2.1.0 schema', () => {
  it('validates a log with results, fixes, suggestions, data and a fatal file', async () => {
    const validate = validator();
    const cwd = '/srv/app';
    const result = await lintText(
      'BEGIN;\nCREATE INDEX idx_orders_customer ON orders (customer_id);\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user ON messages (user_id);\nCREATE INDEX ON;\n',
      { filename: `${cwd}/db/migrations/20240611 add indexes.sql`, tables: { orders: { rows: 12_000_000, bytes: 3_400_000_000 } } },
    );
    expect(result.findings.some((f) => f.fix)).toBe(true);
    expect(result.findings.some((f) => f.suggestions?.length)).toBe(true);
    const log = JSON.parse(
      sarif(
        [
          result,
          { filePath: `${cwd}/db/migrations/blob.sql`, findings: [], fatal: 'binary file (contains NUL bytes), not linted' },
          { filePath: '/elsewhere/x.sql', findings: [], fatal: 'cannot read' },
        ],
        { cwd, rules: ALL_RULE_META, version: '0.1.0' },
      ),
    );
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects what the schema forbids (the validator is live)', () => {
    const validate = validator();
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'migralint' } }, results: [{ message: { text: 'x' }, level: 'fatal' }] }] })).toBe(
      false,
    );
  });
});
