// `npm run docs:diagram`: writes the steps' dependency diagram, generated from the planner, into the README.
import fs from 'node:fs';
import path from 'node:path';
import { readmeWithDiagram } from './lib/steps-diagram';

const file = path.join(__dirname, '..', 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = readmeWithDiagram(before);
if (after === before) {
  console.log('README.md: the steps diagram is up to date.');
} else {
  fs.writeFileSync(file, after);
  console.log('README.md: the steps diagram was updated.');
}
