import path from 'node:path';
import { replaySource } from '../project/history.js';
import { emptyModel } from '../project/model.js';
import { printModel } from '../project/print.js';
import { findProjects } from './projects.js';
import type { IO } from './run.js';
import { UsageError } from './run.js';

export interface SchemaRun {
  paths: string[];
  cwd: string;
  at?: string;
  config?: string;
  framework?: string;
  json?: boolean;
}

/** `migralint schema [paths] [--at file]`: the catalog replayed from each project's history. */
export async function runSchema(run: SchemaRun, io: IO): Promise<number> {
  const { history, sources, optionsOf } = await findProjects(run, io);
  const at = run.at ? path.normalize(run.at) : undefined;
  if (at && !history.projects.some((p) => p.files.some((f) => path.resolve(run.cwd, f) === path.resolve(run.cwd, at)))) {
    throw new UsageError(`--at: ${run.at} is not a migration of the projects found`);
  }
  const out: string[] = [];
  const json: Record<string, unknown>[] = [];
  for (const p of history.projects) {
    let model = emptyModel();
    let last: string | undefined;
    const unknown: string[] = [];
    for (const f of p.files) {
      const src = sources.get(f);
      const opts = optionsOf.get(f);
      if (src && opts) {
        const r = replaySource(src, opts, history.schemaOf(f) ?? emptyModel());
        history.record(f, r.delta);
        history.advance(f);
        unknown.push(...r.unknown.map((u) => `${f}: ${u}`));
      }
      model = history.schemaOf(f) ?? model;
      last = f;
      if (at && path.resolve(run.cwd, f) === path.resolve(run.cwd, at)) break;
    }
    if (at && !p.files.some((f) => path.resolve(run.cwd, f) === path.resolve(run.cwd, at))) continue;
    if (run.json) json.push({ root: p.root, framework: p.framework, migrations: p.files.length, asOf: last, unknown, schema: model });
    else {
      out.push(`-- ${p.framework} project ${p.root || '.'}: ${p.files.length} migration${p.files.length === 1 ? '' : 's'}, catalog as of ${last ?? '(none)'}`);
      out.push(printModel(model));
      if (unknown.length) out.push(`-- acted on without being created by the history:\n${unknown.map((u) => `--   ${u}`).join('\n')}\n`);
    }
  }
  io.stdout(run.json ? `${JSON.stringify(json, null, 2)}\n` : out.join('\n'));
  return history.projects.length ? 0 : 2;
}
