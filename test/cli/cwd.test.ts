/**
 * main(argv, io, cwd) with a cwd that is not the process's (an editor extension, a test runner, a monorepo tool
 * calling migralint in-process): the run is the same as `migralint` started in that folder. Detection reads the files
 * beside a migration (Drizzle's meta/_journal.json, sqitch.plan), and messages name files relative to that folder.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures');

/** main() in this process, from `cwd`, without changing the process's folder; its JSON results. */
async function lintFrom(cwd: string, args: string[] = [], input = '') {
  expect(path.resolve(process.cwd())).not.toBe(path.resolve(cwd));
  let stdout = '';
  let stderr = '';
  const code = await main(
    [...args, '--format', 'json', '--no-cache'],
    { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: async () => Buffer.from(input), env: { NO_COLOR: '1' } },
    cwd,
  );
  const results = JSON.parse(stdout) as Array<{ filePath: string; framework: string; messages: Array<{ ruleId: string; line: number; message: string }> }>;
  return { code, stderr, results };
}

describe('main() with a cwd of its own', () => {
  it('detects Drizzle by the journal beside the migrations, and names the broken journal from that folder', async () => {
    const root = path.join(FIXTURES, 'frameworks', 'drizzle');
    const { results } = await lintFrom(root, ['.']);
    expect(results.map((r) => [path.relative(root, r.filePath).split(path.sep).join('/'), r.framework])).toEqual([
      ['api-v1/drizzle/20250601080000_init/migration.sql', 'drizzle'],
      ['api-v1/drizzle/20250611093015_add_orders_customer_idx/migration.sql', 'drizzle'],
      ['broken-journal/drizzle/0000_add_index.sql', 'drizzle'],
      ['web/drizzle/0000_init.sql', 'drizzle'],
      ['web/drizzle/0001_performance_indexes_concurrent.sql', 'drizzle'],
      ['web/drizzle/0002_add_order_status.sql', 'drizzle'],
    ]);
    const journal = results.flatMap((r) => r.messages).find((m) => m.message.startsWith('Drizzle journal'));
    expect(journal?.message).toMatch(/^Drizzle journal broken-journal\/drizzle\/meta\/_journal\.json could not be read/);
    // The journal says which statements run outside its transaction: the concurrent index is read as Drizzle's.
    const concurrent = results.find((r) => r.filePath.endsWith('0001_performance_indexes_concurrent.sql'))!;
    expect(concurrent.messages.map((m) => m.ruleId)).toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('detects sqitch by its plan, the paths given relative to that folder', async () => {
    const root = path.join(FIXTURES, 'frameworks', 'sqitch');
    const { results } = await lintFrom(root, ['deploy']);
    expect(results.map((r) => [path.relative(root, r.filePath), r.framework])).toEqual([
      [path.join('deploy', 'appschema.sql'), 'sqitch'],
      [path.join('deploy', 'users.sql'), 'sqitch'],
      [path.join('deploy', 'users_nickname_idx.sql'), 'sqitch'],
    ]);
  });

  it("finds the usual folders there with no paths, and names the runner's config/database.yml from there", async () => {
    const root = path.join(FIXTURES, 'runner-settings', 'rails');
    const { results } = await lintFrom(root);
    expect(results.map((r) => r.framework)).toEqual(['rails']);
    expect(results[0]!.filePath.startsWith(path.join(root, 'db', 'migrate') + path.sep)).toBe(true);
    expect(results[0]!.messages.find((m) => m.ruleId === 'require-lock-timeout')?.message).toContain(
      'It is set for every migration connection by config/database.yml line 6 (variables: lock_timeout)',
    );
  });

  it('--stdin-filename is a path in that folder: a Drizzle migration read from standard input meets its journal', async () => {
    const root = path.join(FIXTURES, 'frameworks', 'drizzle', 'web');
    const { results } = await lintFrom(root, ['--stdin', '--stdin-filename', 'drizzle/0003_add_orders_note.sql'], 'ALTER TABLE orders ADD COLUMN note text;\n');
    expect(results.map((r) => [r.filePath, r.framework])).toEqual([[path.join(root, 'drizzle', '0003_add_orders_note.sql'), 'drizzle']]);
  });
});
