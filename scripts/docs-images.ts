// `npm run docs:images`: copies the README's screenshots, taken by the end-to-end test (test/e2e/offboarding.test.ts)
// in artifacts/e2e/, to docs/images/, where they are committed. Run the e2e test first (`npm run test:e2e`).
// CI never runs this: tests write only to artifacts/ (ignored by git), never to tracked files.
import fs from 'node:fs';
import path from 'node:path';
import { README_IMAGES } from './lib/readme-images';

const ROOT = path.join(__dirname, '..');
const from = path.join(ROOT, 'artifacts', 'e2e');
const to = path.join(ROOT, 'docs', 'images');

const missing = README_IMAGES.filter((f) => !fs.existsSync(path.join(from, f)));
if (missing.length > 0) {
  console.error(`Not in ${path.relative(ROOT, from)}/: ${missing.join(', ')}. Run the end-to-end test first: npx mocha test/e2e/offboarding.test.ts`);
  process.exit(1);
}
fs.mkdirSync(to, { recursive: true });
for (const f of README_IMAGES) {
  fs.copyFileSync(path.join(from, f), path.join(to, f));
  console.log(`docs/images/${f}`);
}
