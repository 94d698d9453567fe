import { main } from '../../src/cli/main.js';

/** One finding of the CLI's `--format json` output, as tests read it. */
export interface JsonMessage {
  ruleId: string;
  severity: number;
  message: string;
  line: number;
  suggestions?: Array<{ desc: string; fix: { range: [number, number]; text: string } }>;
}

export interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
}

/** Runs the CLI in this process from `cwd` with `--format json` added: its exit code and its results. */
export async function cliJson(args: string[], cwd: string): Promise<{ code: number; results: JsonResult[] }> {
  let out = '';
  const code = await main([...args, '--format', 'json'], { stdout: (s) => (out += s), stderr: () => undefined, readStdin: async () => Buffer.alloc(0) }, cwd);
  return { code, results: JSON.parse(out) as JsonResult[] };
}
