// ESLint re-lint latency of one 300-line migration, warm (the editor case). Run by bench/run.ts in its own process.
import { ESLint } from 'eslint';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export async function eslintRelint(dir: string): Promise<{ lines: number; medianMs: number; p90Ms: number }> {
  mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  const parts = ['-- Reporting schema for the analytics dashboard.', "SET lock_timeout = '2s';"];
  for (let i = 0; parts.join('\n').split('\n').length < 300; i++) {
    parts.push(
      `CREATE TABLE IF NOT EXISTS report_${i} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id bigint NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS report_${i}_tenant_idx ON report_${i} (tenant_id);`,
      `ALTER TABLE orders ADD COLUMN IF NOT EXISTS report_${i}_id bigint;`,
    );
  }
  const text = `${parts.join('\n')}\n`;
  const file = path.join(dir, 'migrations', '20240601000000_reports.sql');
  writeFileSync(file, text);
  const plugin = (await import('../src/eslint/index.js')).default as any;
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] });
  await eslint.lintText(text, { filePath: file }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const edited = text.replace('report_0_id bigint', `report_0_id bigint /* edit ${i} */`);
    const t0 = performance.now();
    await eslint.lintText(edited, { filePath: file });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { lines: text.split('\n').length, medianMs: times[15]!, p90Ms: times[27]! };
}

if (process.argv[1]?.endsWith('eslint.ts')) {
  const r = await eslintRelint(process.argv[2] ?? '.bench/eslint');
  console.log(JSON.stringify(r));
}
