import { ConfigError } from './error.js';
import { configSchema, type Config } from './schema.js';

/** Validate raw config data; one clear message naming every problem. */
export function validateConfig(data: unknown, file?: string): Config {
  const result = configSchema.safeParse(data ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  throw new ConfigError(`invalid config:\n  ${problems.join('\n  ')}`, file);
}
