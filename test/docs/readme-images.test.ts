// The README opens with screenshots of the real flow, taken by the end-to-end test and committed by
// `npm run docs:images`: every picture it shows is there, and they are the ones that script copies.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { README_IMAGES } from '../../scripts/lib/readme-images';

const ROOT = path.join(__dirname, '..', '..');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the README pictures', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const shown = [...readme.matchAll(/!\[[^\]]+\]\((docs\/images\/[^)]+)\)/g)].map((m) => m[1]!);

  it('shows, near the top, the four screenshots npm run docs:images copies', () => {
    assert.deepEqual(shown.map((f) => path.basename(f)), README_IMAGES);
    assert.ok(readme.indexOf(shown[0]!) < readme.indexOf('## Quick start'), 'before the quick start');
  });

  it('each one is a committed PNG, with alt text', () => {
    for (const file of shown) {
      const bytes = fs.readFileSync(path.join(ROOT, file));
      assert.ok(bytes.subarray(0, 8).equals(PNG), `${file} is a PNG`);
    }
  });

  it('the end-to-end test takes each of them', () => {
    const e2e = fs.readFileSync(path.join(ROOT, 'test', 'e2e', 'offboarding.test.ts'), 'utf8');
    for (const name of README_IMAGES) {
      assert.match(e2e, new RegExp(`screenshot\\('${name.replace('.png', '')}'`), name);
    }
  });
});
