/**
 * require-lock-timeout names a foreign key's other table: the statement waits for its lock there too, and the same
 * queue forms on it. A goose history linted through the CLI, so the dropped key's referenced table is known.
 */
import { describe, expect, it } from 'vitest';
import { cliJson } from '../helpers/cli-json.js';
import { tempDirs, write } from '../helpers/repo.js';

const tempDir = tempDirs('migralint-lock-timeout-fk-');

async function lockTimeoutMessages(files: Record<string, string>, target: string): Promise<string[]> {
  const repo = tempDir();
  for (const [rel, text] of Object.entries(files)) write(repo, rel, text);
  const { results } = await cliJson([target, '--no-cache'], repo);
  return results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'require-lock-timeout').map((m) => m.message));
}

describe('require-lock-timeout: a foreign key locks its other table too', () => {
  it('dropping a foreign key waits for ACCESS EXCLUSIVE on the referenced table, adding one for SHARE ROW EXCLUSIVE: both named', async () => {
    // Dokploy apps/dokploy/drizzle/0171_lucky_echo.sql re-creates sso_provider's key to "user" this way; every request
    // reads "user", so the drop's wait stalls them all.
    const messages = await lockTimeoutMessages(
      {
        'db/migrations/20250101000000_create_sso_provider.sql': [
          '-- +goose Up',
          "SET lock_timeout = '5s';",
          'CREATE TABLE "user" (id text PRIMARY KEY, email text NOT NULL);',
          'CREATE TABLE sso_provider (id text PRIMARY KEY, user_id text CONSTRAINT sso_provider_user_id_user_id_fk REFERENCES "user" (id));',
          '',
        ].join('\n'),
        'db/migrations/20250301000000_sso_provider_user_set_null.sql': [
          '-- +goose Up',
          'ALTER TABLE "sso_provider" DROP CONSTRAINT "sso_provider_user_id_user_id_fk";',
          'ALTER TABLE "sso_provider" ADD CONSTRAINT "sso_provider_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;',
          '',
        ].join('\n'),
      },
      'db/migrations/20250301000000_sso_provider_user_set_null.sql',
    );
    // goose runs the file in one transaction: the ADD CONSTRAINT finds both locks held by the DROP CONSTRAINT (ACCESS
    // EXCLUSIVE on each table) and waits for nothing, so only the DROP is listed.
    expect(messages).toEqual([
      'No lock_timeout is set before 1 statement(s) that take strong locks: ALTER TABLE on sso_provider and "user" (line 2, ACCESS EXCLUSIVE). While such a statement waits for its lock behind a long-running query, every query on sso_provider and "user", reads included, queues behind it.',
    ]);
  });
});
