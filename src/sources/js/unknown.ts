import type { FrameworkAdapter } from '../adapter.js';
import { extractJs, type JsDialect } from './extract.js';

/**
 * A JS/TS migration whose runner no adapter knows (a team's own runner over slonik, postgres.js, pg …). It is never
 * presented as another tool: its SQL (`sql` tagged templates, `.query("…")` strings) is linted statement by
 * statement, with the execution model the config sets (`assumeInTransaction`), and fixes that depend on how the
 * runner sends the SQL stay suggestions.
 */
const unknownDialect: JsDialect = {
  id: 'js',
  exec(_facts, ctx) {
    const wrapped = ctx.settings.assumeInTransaction === true;
    return {
      exec: {
        wrapped,
        reason: wrapped
          ? 'config assumeInTransaction says the runner wraps each migration in a transaction'
          : 'the runner is unknown: each statement is assumed to run on its own (set assumeInTransaction if it wraps migrations)',
        oneQuery: false,
      },
      assumption: wrapped
        ? 'unknown runner; assumeInTransaction: each migration in a transaction'
        : 'unknown runner; assumed statement by statement, no transaction',
    };
  },
};

export const unknownJsAdapter: FrameworkAdapter = {
  id: 'js',
  name: 'unknown JS/TS runner',
  commentPrefix: '//',
  extract(file, ctx) {
    const unit = extractJs(file, ctx, unknownDialect, ctx.hostAst);
    unit.runnerUnknown = `${file.path.split(/[\\/]/).pop()} is a JS/TS migration whose runner migralint does not know (not Knex, TypeORM, node-pg-migrate, Sequelize, Kysely or db-migrate); name it in the config's \`frameworks\` if it is one of them`;
    return unit;
  },
};
