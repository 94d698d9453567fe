/**
 * The CLI's argument parser: commands, their options and positionals, and their help text, as yargs parsed and
 * printed them for migralint (the same syntax, defaults and usage errors), in a few hundred lines that load in no
 * time: yargs' setup and its three passes over the arguments were about 15 ms of every run's start-up.
 *
 * Syntax: `--name value`, `--name=value`, `-x value`; booleans `--flag`, `--flag=false`, `--flag false`,
 * `--no-flag`; an option's camelCase spelling (`--outputFile`) is the same option; `--` ends the options. A string
 * option given twice is an array of both values, as yargs gave it; given without a value it is its default, or ''.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** A one-letter alias (`-f`). */
  alias?: string;
  describe: string;
  default?: string | boolean;
  /** `many`: the values up to the next option (`--fix-type fix suggestion`); `one`: one value a flag, repeatable. */
  array?: 'many' | 'one';
  choices?: readonly string[];
}

export interface CommandSpec {
  /** The command's word; '' for the default command. */
  name: string;
  /** Its positional, as in its usage (`[paths..]`, `<rule>`). */
  positional?: { name: string; many: boolean; required: boolean };
  describe: string;
  options: Record<string, OptionSpec>;
  /** Options that cannot be given together. */
  conflicts?: Array<[string, string]>;
}

export interface ParsedArgs {
  command: CommandSpec;
  /** Option values by option name (kebab-case), defaults included. */
  values: Record<string, string | boolean | string[] | undefined>;
  /** The positional's values. */
  positionals: string[];
  help: boolean;
  version: boolean;
}

/** A usage error, worded as yargs worded it. */
export class ArgsError extends Error {}

const BUILT_IN: Record<string, OptionSpec> = {
  help: { type: 'boolean', describe: 'Show help' },
  version: { type: 'boolean', describe: 'Show version number' },
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** A token an option may take as its value: not an option itself (a negative number is a value). */
const isValue = (token: string | undefined): token is string =>
  token !== undefined && (!token.startsWith('-') || token === '-' || /^-\d+(\.\d+)?$/.test(token));

function optionNamed(options: Record<string, OptionSpec>, name: string): string | undefined {
  if (options[name] || BUILT_IN[name]) return name;
  const k = kebab(name);
  return options[k] || BUILT_IN[k] ? k : undefined;
}

/** The command the arguments name: the first positional, when it is a command's word (options may come before it). */
function findCommand(argv: string[], commands: CommandSpec[]): { command: CommandSpec; at: number; help: boolean } {
  const fallback = commands.find((c) => c.name === '')!;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (token.startsWith('-') && token !== '-') {
      const name = token.startsWith('--') ? optionNamed(fallback.options, token.slice(2)) : undefined;
      const short =
        token.length === 2 && !token.startsWith('--') ? Object.keys(fallback.options).find((n) => fallback.options[n]!.alias === token[1]) : undefined;
      const spec = fallback.options[name ?? short ?? ''];
      if (spec?.type === 'string' && !token.includes('=') && isValue(argv[i + 1])) i++;
      continue;
    }
    if (token === 'help') return { command: fallback, at: i, help: true };
    const command = commands.find((c) => c.name === token);
    return command ? { command, at: i, help: false } : { command: fallback, at: -1, help: false };
  }
  return { command: fallback, at: -1, help: false };
}

export function parseArgs(argv: string[], commands: CommandSpec[]): ParsedArgs {
  const found = findCommand(argv, commands);
  const { command } = found;
  const options = command.options;
  const tokens = found.at >= 0 ? [...argv.slice(0, found.at), ...argv.slice(found.at + 1)] : argv;
  const values: ParsedArgs['values'] = {};
  const given = new Set<string>();
  const unknown: string[] = [];
  const positionals: string[] = [];
  let help = found.help;
  let version = false;

  const set = (name: string, value: string | boolean, spec: OptionSpec) => {
    given.add(name);
    const before = values[name];
    if (spec.array) values[name] = [...((before as string[] | undefined) ?? []), value as string];
    // Given twice: both values, as yargs gave them.
    else if (typeof value === 'string' && before !== undefined && typeof before !== 'boolean')
      values[name] = [...(Array.isArray(before) ? before : [before]), value];
    else values[name] = value;
  };
  const unknownOption = (name: string) => {
    for (const n of name.includes('-') ? [name, camel(name)] : [name]) if (!unknown.includes(n)) unknown.push(n);
  };
  /** The option `name` at tokens[i] (`inline`: its `=value`); returns the index of the last token it took. */
  const take = (name: string, spec: OptionSpec, inline: string | undefined, i: number, negated: boolean): number => {
    if (spec.type === 'boolean') {
      let value = true;
      if (inline !== undefined) value = inline !== 'false';
      // `--flag false` (not `--no-flag false`: that false is a positional).
      else if (!negated && (tokens[i + 1] === 'true' || tokens[i + 1] === 'false')) value = tokens[++i] === 'true';
      if (name === 'help') help ||= value;
      else if (name === 'version') version ||= value;
      else set(name, negated ? !value : value, spec);
      return i;
    }
    if (spec.array === 'many') {
      given.add(name);
      values[name] ??= [];
      if (inline !== undefined) set(name, inline, spec);
      else while (isValue(tokens[i + 1])) set(name, tokens[++i]!, spec);
      return i;
    }
    if (inline !== undefined) set(name, inline, spec);
    else if (isValue(tokens[i + 1])) set(name, tokens[++i]!, spec);
    else if (spec.array === 'one') throw new ArgsError(`Not enough arguments following: ${name}`);
    else set(name, typeof spec.default === 'string' ? spec.default : '', spec);
    return i;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') {
      positionals.push(...tokens.slice(i + 1));
      break;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const body = eq < 0 ? token.slice(2) : token.slice(2, eq);
      const inline = eq < 0 ? undefined : token.slice(eq + 1);
      const name = optionNamed(options, body);
      const negatedName = !name && body.startsWith('no-') ? optionNamed(options, body.slice(3)) : undefined;
      const spec = name ? (options[name] ?? BUILT_IN[name]) : negatedName ? (options[negatedName] ?? BUILT_IN[negatedName]) : undefined;
      if (name && spec) i = take(name, spec, inline, i, false);
      else if (negatedName && spec?.type === 'boolean') i = take(negatedName, spec, inline, i, true);
      else {
        unknownOption(kebab(body.startsWith('no-') ? body.slice(3) : body));
        if (inline === undefined && isValue(tokens[i + 1])) i++;
      }
      continue;
    }
    if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
      const eq = token.indexOf('=');
      const letters = eq < 0 ? token.slice(1) : token.slice(1, eq);
      const inline = eq < 0 ? undefined : token.slice(eq + 1);
      [...letters].forEach((letter, k) => {
        const name = Object.keys(options).find((n) => options[n]!.alias === letter);
        const last = k === letters.length - 1;
        if (!name) {
          unknownOption(letter);
          // As yargs: an unknown option takes the value after it.
          if (last && inline === undefined && isValue(tokens[i + 1])) i++;
          return;
        }
        // Only the last of grouped letters (`-qf json`) takes a value.
        if (last) i = take(name, options[name]!, inline, i, false);
        else if (options[name]!.type === 'boolean') set(name, true, options[name]!);
      });
      continue;
    }
    // A lone `-` names nothing (yargs dropped it too): standard input is --stdin.
    if (token !== '-') positionals.push(token);
  }

  if (help || version) return { command, values, positionals, help, version };
  if (command.positional?.required && positionals.length === 0) throw new ArgsError(`Not enough non-option arguments: got 0, need at least 1`);
  if (unknown.length) throw new ArgsError(`Unknown argument${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`);
  for (const [name, spec] of Object.entries(options)) {
    if (!given.has(name) && spec.default !== undefined) values[name] = spec.default;
    const bad = spec.choices && ([] as unknown[]).concat(values[name] ?? []).filter((v) => !spec.choices!.includes(v as string));
    if (bad?.length)
      throw new ArgsError(
        `Invalid values:\n  Argument: ${name}, Given: ${bad.map((v) => JSON.stringify(v)).join(', ')}, Choices: ${spec.choices!.map((c) => JSON.stringify(c)).join(', ')}`,
      );
  }
  for (const [a, b] of command.conflicts ?? []) {
    if (given.has(a) && given.has(b)) throw new ArgsError(`Arguments ${a} and ${b} are mutually exclusive`);
  }
  return { command, values, positionals, help, version };
}

/** Text in columns: each row's cells padded to the widest of its column. */
function columns(rows: string[][], indent = '  '): string {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((cell, k) => (k === r.length - 1 ? cell : cell.padEnd(widths[k]! + 2)))
          .join('')
          .trimEnd(),
    )
    .join('\n');
}

/** A command's usage (`migralint explain <rule>`). */
function usage(script: string, command: CommandSpec): string {
  const p = command.positional;
  const positional = p ? (p.required ? `<${p.name}>` : `[${p.name}${p.many ? '..' : ''}]`) : '';
  return [script, command.name, positional].filter(Boolean).join(' ');
}

/** `--help`: the command's usage and description, the commands (for the default one), its positional and options. */
export function helpText(script: string, command: CommandSpec, commands: CommandSpec[], summary: string): string {
  const parts: string[] = [usage(script, command), command.name ? command.describe : summary];
  if (!command.name) parts.push(`Commands:\n${columns(commands.map((c) => [usage(script, c), c.describe + (c.name ? '' : ' [default]')]))}`);
  if (command.positional) {
    const p = command.positional;
    parts.push(`Positionals:\n${columns([[p.name, p.required ? '[string] [required]' : '[string] [default: []]']])}`);
  }
  const options = { ...BUILT_IN, ...command.options };
  const rows = Object.entries(options).map(([name, spec]) => {
    const tags = [
      spec.array ? '[array]' : `[${spec.type}]`,
      ...(spec.choices ? [`[choices: ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}]`] : []),
      ...(spec.default !== undefined ? [`[default: ${JSON.stringify(spec.default)}]`] : []),
    ];
    return [`${spec.alias ? `-${spec.alias}, ` : '    '}--${name}`, `${spec.describe} ${tags.join(' ')}`];
  });
  parts.push(`Options:\n${columns(rows)}`);
  return `${parts.join('\n\n')}\n`;
}
