// Searching what the bot wrote for secrets, in every form a secret could be written in: shared by the secret scan
// (test/security/secret-scan.test.ts) and the reinstatement's Temporary Access Pass check (test/teams/reinstate-bot.test.ts).
import fs from 'node:fs';
import path from 'node:path';

/** A blob to search, named for the failure message. */
export interface Haystack {
  name: string;
  bytes: Buffer;
}

/** The forms a secret could be written in: as is, JSON-escaped, percent-encoded, base64 and base64url. */
export function encodings(secret: string): string[] {
  const utf8 = Buffer.from(secret, 'utf8');
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), utf8.toString('base64'), utf8.toString('base64url')])];
}

/** Every (haystack, secret) pair where the secret appears in any of its encodings. */
export function scan(haystacks: Haystack[], secrets: string[]): Array<{ where: string; secret: string }> {
  const found: Array<{ where: string; secret: string }> = [];
  for (const h of haystacks) {
    for (const secret of secrets) {
      if (encodings(secret).some((e) => h.bytes.includes(Buffer.from(e, 'utf8')))) {
        found.push({ where: h.name, secret });
      }
    }
  }
  return found;
}

export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
