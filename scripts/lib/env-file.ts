// Reads the toolkit's env files (env/.env.<name>, env/.env.<name>.user): dotenv syntax, which is what the
// Microsoft 365 Agents Toolkit / Teams Toolkit parses them with. Supported: `KEY=value`, `export KEY=value`,
// blank lines, `#` comments (whole-line, or after an unquoted value following whitespace), and values in
// single, double or back quotes (double-quoted values expand \n). Multi-line values are not supported.
import { existsSync, readFileSync } from 'node:fs';

export type EnvValues = Record<string, string>;

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;

function unquote(raw: string): string {
  const quote = raw[0];
  if ((quote === '"' || quote === "'" || quote === '`') && raw.length >= 2) {
    const close = raw.indexOf(quote, 1);
    if (close > 0) {
      const inner = raw.slice(1, close);
      return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\r/g, '\r') : inner;
    }
  }
  const comment = raw.search(/\s#/);
  return (comment >= 0 ? raw.slice(0, comment) : raw).trim();
}

/** Parses env-file text. Later lines win over earlier ones, as in dotenv. */
export function parseEnvFile(text: string): EnvValues {
  const values: EnvValues = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) {
      continue;
    }
    const match = LINE.exec(line);
    if (match !== null) {
      values[match[1]!] = unquote(match[2]!);
    }
  }
  return values;
}

/**
 * Loads `file` and, when it exists, `file.user` (the git-ignored secrets file the toolkit pairs with every
 * env file); values in the .user file win.
 */
export function loadEnvFile(file: string): EnvValues {
  const values = parseEnvFile(readFileSync(file, 'utf8'));
  const user = `${file}.user`;
  return existsSync(user) ? { ...values, ...parseEnvFile(readFileSync(user, 'utf8')) } : values;
}
