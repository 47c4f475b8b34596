// The README's diagram of the steps' dependency order is generated from the planner's rules (`npm run docs:diagram`):
// it must be the current one, and read back as a graph it must order the steps exactly as dependenciesOf does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dependenciesOf, ORDER_ONLY } from '../../src/offboarding/planner';
import { STEP_KINDS, type OffboardingStepKind as StepKind } from '../../src/offboarding/plan';
import { ancestorsOf, BEGIN, END, readmeWithDiagram, stepsDiagram } from '../../scripts/lib/steps-diagram';

interface Graph {
  /** Direct predecessors of each step, the box's arrows expanded to each of its steps. */
  before: Map<string, Set<string>>;
  dotted: Array<[string, string]>;
}

/** Reads a Mermaid flowchart of the form stepsDiagram() writes: nodes `id["label"]`, one subgraph, `-->` and `-.->`. */
function readDiagram(text: string): Graph {
  const label = new Map<string, string>();
  const members = new Map<string, string[]>();
  let box: string | undefined;
  const edges: Array<[string, string, boolean]> = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    let m: RegExpExecArray | null;
    if (line === 'flowchart TD' || line === '') {
      continue;
    } else if ((m = /^subgraph (\w+)\[".*"\]$/.exec(line))) {
      box = m[1]!;
      members.set(box, []);
    } else if (line === 'end') {
      box = undefined;
    } else if ((m = /^(\w+)\["([a-z-]+)(?: \(when chosen\))?"\]$/.exec(line))) {
      label.set(m[1]!, m[2]!);
      if (box) {
        members.get(box)!.push(m[1]!);
      }
    } else if ((m = /^(\w+) (-->|-\.->) (\w+)$/.exec(line))) {
      edges.push([m[1]!, m[3]!, m[2] === '-.->']);
    } else {
      assert.fail(`a line the test does not understand: ${line}`);
    }
  }
  const expand = (node: string): string[] => (members.get(node) ?? [node]).map((n) => label.get(n) ?? assert.fail(`${n} has no label`));
  const before = new Map<string, Set<string>>([...label.values()].map((k) => [k, new Set<string>()]));
  const dotted: Array<[string, string]> = [];
  for (const [from, to, isDotted] of edges) {
    for (const f of expand(from)) {
      for (const t of expand(to)) {
        before.get(t)!.add(f);
        if (isDotted) {
          dotted.push([f, t]);
        }
      }
    }
  }
  return { before, dotted };
}

function drawnAncestors(graph: Graph, kind: string): string[] {
  const seen = new Set<string>();
  const visit = (k: string): void => {
    for (const d of graph.before.get(k) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(kind);
  return [...seen].sort();
}

function readmeBlock(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, 'the README has the steps diagram block');
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(readme.slice(start, end));
  assert.ok(m, 'a mermaid block between the markers');
  return m[1]!;
}

describe('the steps diagram in the README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('is the one generated from the planner (run `npm run docs:diagram` after changing dependencies)', () => {
    assert.equal(readmeBlock(readme), stepsDiagram());
    assert.equal(readmeWithDiagram(readme), readme);
  });

  it('orders every step after exactly the steps dependenciesOf makes it wait for', () => {
    const graph = readDiagram(readmeBlock(readme));
    assert.deepEqual([...graph.before.keys()].sort(), [...STEP_KINDS].sort(), 'every step drawn once');
    for (const kind of STEP_KINDS) {
      assert.deepEqual(drawnAncestors(graph, kind), [...ancestorsOf(kind)].sort(), kind);
    }
  });

  it('draws the order-only links dotted, and only those', () => {
    const graph = readDiagram(readmeBlock(readme));
    const coded = Object.entries(ORDER_ONLY).flatMap(([to, froms]) => froms.map((f) => [f, to] as [string, string]));
    assert.deepEqual(graph.dotted.sort(), coded.sort());
  });

  it('the reading sees a change: a dependency more or less fails', () => {
    const lost = readDiagram(stepsDiagram().replace('    litigation_hold --> convert_to_shared\n', ''));
    assert.notDeepEqual(drawnAncestors(lost, 'convert-to-shared'), [...ancestorsOf('convert-to-shared')].sort());
    const extra = (k: StepKind): StepKind[] => (k === 'auto-reply' ? [...dependenciesOf(k), 'grant-full-access'] : dependenciesOf(k));
    assert.notDeepEqual(drawnAncestors(readDiagram(stepsDiagram()), 'auto-reply'), [...ancestorsOf('auto-reply', extra)].sort());
  });
});
