// The gate that lets background work give way to users' turns.
import assert from 'node:assert/strict';
import { TurnGate } from '../src/turn-gate';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('turn gate', () => {
  it('lets background work through at once when no turn is in flight', async () => {
    const gate = new TurnGate(20, 1000);
    let passed = false;
    await gate.idle().then(() => (passed = true));
    assert.equal(passed, true);
  });

  it('holds background work until the turns in flight are answered and a quiet moment passed', async () => {
    const gate = new TurnGate(20, 5000);
    const order: string[] = [];
    const turn = gate.around(async () => {
      await sleep(50);
      order.push('turn answered');
    });
    const work = gate.idle().then(() => order.push('background'));
    await Promise.all([turn, work]);
    assert.deepEqual(order, ['turn answered', 'background']);
  });

  it('lets background work through after maxWaitMs under steady traffic', async () => {
    const gate = new TurnGate(20, 60);
    const turn = gate.around(() => sleep(300));
    const started = Date.now();
    await gate.idle();
    const waited = Date.now() - started;
    assert.ok(waited >= 50 && waited < 250, `waited ${waited} ms`);
    await turn;
  });

  it('a failing turn still counts as answered', async () => {
    const gate = new TurnGate(5, 5000);
    await assert.rejects(gate.around(() => Promise.reject(new Error('boom'))), /boom/);
    const started = Date.now();
    await gate.idle();
    assert.ok(Date.now() - started < 100);
  });
});
