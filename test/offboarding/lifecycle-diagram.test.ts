// The README's state diagram and the code's TRANSITIONS list the same moves: the lifecycle is written down once, and
// the drawing can't drift from it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REQUEST_STATUSES, TRANSITIONS, type RequestStatus } from '../../src/offboarding/requests';

interface Edge {
  from: string;
  to: string;
  on: string;
}

/** The edges of the README's Mermaid stateDiagram-v2 (edges from the start marker `[*]` are not transitions). */
function diagramEdges(readme: string): { edges: Edge[]; states: Set<string> } {
  const blocks = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^\s*stateDiagram-v2/.test(b));
  assert.equal(blocks.length, 1, 'the README has one state diagram');
  const lines = blocks[0]!.split('\n').map((l) => l.trim());
  // `state "completed-with-failures" as completed_with_failures`: Mermaid ids can't contain '-'.
  const alias = new Map<string, string>();
  for (const line of lines) {
    const m = /^state\s+"([^"]+)"\s+as\s+(\w+)$/.exec(line);
    if (m) {
      alias.set(m[2]!, m[1]!);
    }
  }
  const name = (id: string) => alias.get(id) ?? id;
  const edges: Edge[] = [];
  const states = new Set<string>();
  for (const line of lines) {
    const m = /^(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)\s*(?::\s*(.+))?$/.exec(line);
    if (!m) {
      assert.ok(line === '' || line === 'stateDiagram-v2' || line.startsWith('state ') || line.startsWith('%%'), `a line the test does not understand: ${line}`);
      continue;
    }
    const [, from, to, on] = m;
    if (from === '[*]' || to === '[*]') {
      continue;
    }
    assert.ok(on, `the edge ${line} has no label`);
    edges.push({ from: name(from!), to: name(to!), on: on.trim() });
    states.add(name(from!)).add(name(to!));
  }
  return { edges, states };
}

const key = (e: Edge): string => `${e.from} --${e.on}--> ${e.to}`;

describe('the lifecycle, written down once', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const { edges, states } = diagramEdges(readme);

  it('the README diagram and TRANSITIONS list exactly the same moves (from, to, on)', () => {
    const drawn = edges.map(key).sort();
    const coded = TRANSITIONS.map(key).sort();
    assert.equal(new Set(drawn).size, drawn.length, 'an edge is drawn twice');
    assert.deepEqual(drawn, coded);
  });

  it('every state in the diagram is a request status, and every status is drawn', () => {
    for (const s of states) {
      assert.ok(REQUEST_STATUSES.includes(s as RequestStatus), `${s} is not a request status`);
    }
    assert.deepEqual([...REQUEST_STATUSES].filter((s) => !states.has(s)), []);
  });

  it('the parser sees a change: a missing or extra edge fails', () => {
    const missing = readme.replace('    stopped --> closed: close\n', '');
    assert.notDeepEqual(diagramEdges(missing).edges.map(key).sort(), TRANSITIONS.map(key).sort());
    const relabelled = readme.replace('stopped --> running: resume', 'stopped --> running: retry');
    assert.notDeepEqual(diagramEdges(relabelled).edges.map(key).sort(), TRANSITIONS.map(key).sort());
  });
});
