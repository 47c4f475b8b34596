import assert from 'node:assert/strict';
import { Limiter } from '../../src/m365/limiter';
import { withPriority } from '../../src/m365/priority';

describe('limiter priority', () => {
  it('gives a freed slot to an urgent task before tasks that queued earlier', async () => {
    const limiter = new Limiter(1);
    const order: string[] = [];
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const normal = limiter.run(() => (order.push('normal'), Promise.resolve()));
    const urgent = withPriority(() => limiter.run(() => (order.push('urgent'), Promise.resolve())));
    await new Promise((r) => setImmediate(r)); // the first task holds the slot
    assert.equal(limiter.queued, 2);
    release();
    await Promise.all([first, normal, urgent]);
    assert.deepEqual(order, ['urgent', 'normal']);
  });
});
