// The shared pieces: the limiter, the retry policy and body reading.
import assert from 'node:assert/strict';
import { graphError, M365Error } from '../../src/m365/errors';
import { Limiter } from '../../src/m365/limiter';
import { parseBody, resolvePolicy, retryDelayMs, withRetries, MAX_RETRY_DELAY_MS } from '../../src/m365/transport';

describe('m365 Limiter', () => {
  it('runs at most max tasks at once, in arrival order, and frees slots on failure', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => async (): Promise<number> => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (i === 3) {
        throw new Error('boom');
      }
      return i;
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((i) => limiter.run(task(i))));
    assert.equal(most, 2);
    assert.deepEqual(order, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.deepEqual([limiter.inFlight, limiter.queued], [0, 0]);
    assert.throws(() => new Limiter(0), RangeError);
  });
});

describe('m365 transport', () => {
  it('waits Retry-After when given, else 1 s, 2 s, 4 s…, never more than 180 s', () => {
    assert.deepEqual([retryDelayMs(5000, 1), retryDelayMs(0, 3)], [5000, 0]);
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(undefined, n)), [1000, 2000, 4000, 8000]);
    assert.equal(retryDelayMs(3600_000, 1), MAX_RETRY_DELAY_MS);
    assert.equal(retryDelayMs(undefined, 20), MAX_RETRY_DELAY_MS);
  });

  it('withRetries retries what is retryable up to maxRetries and sleeps between attempts', async () => {
    const sleeps: number[] = [];
    const policy = { maxRetries: 2, sleep: (ms: number) => (sleeps.push(ms), Promise.resolve()) };
    let attempts = 0;
    const throttled = graphError(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '3' });
    const err = await withRetries(policy, (e) => e.transient, () => (attempts++, Promise.reject(throttled))).catch((e: unknown) => e);
    assert.equal(err, throttled);
    assert.deepEqual([attempts, sleeps], [3, [3000, 3000]]);

    attempts = 0;
    const notFound = graphError(404, undefined);
    await assert.rejects(withRetries(policy, (e) => e.transient, () => (attempts++, Promise.reject(notFound))), M365Error);
    assert.equal(attempts, 1);

    assert.equal(await withRetries(policy, () => true, (n) => (n < 2 ? Promise.reject(throttled) : Promise.resolve(`ok on ${n}`))), 'ok on 2');
  });

  it('parses JSON bodies, keeps other text, and drops NUL padding', () => {
    assert.deepEqual(parseBody('{"a":1}'), { a: 1 });
    assert.equal(parseBody(''), undefined);
    assert.equal(parseBody('\0\0\0 '), undefined);
    assert.equal(parseBody('<html>oops</html>'), '<html>oops</html>');
    assert.equal((parseBody('x'.repeat(600)) as string).length, 501);
  });

  it('validates options and shields calls from a throwing observer', () => {
    assert.throws(() => resolvePolicy({ maxRetries: -1 }), RangeError);
    assert.throws(() => resolvePolicy({ maxConcurrency: 0 }), RangeError);
    const policy = resolvePolicy({ onCall: () => { throw new Error('audit log down'); } });
    assert.deepEqual([policy.maxRetries, policy.maxConcurrency], [6, 8]);
    assert.doesNotThrow(() => policy.onCall({ service: 'graph', method: 'GET', url: '/users', status: 200, attempt: 1, durationMs: 1 }));
  });
});
