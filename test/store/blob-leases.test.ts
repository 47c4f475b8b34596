// BlobLeases on Azurite: blob leases of 15 s, renewed in the background. A second holder is refused while a lease is
// held (and renewed past its duration); a released lease is taken at once with no settling delay; one that ran out
// (its holder paused) or was broken is taken with settleNotBefore; held() follows the monotonic clock; a failed
// renewal loses the lease for good and tells its listeners; every grant advances the fencing epoch.
import assert from 'node:assert/strict';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../scripts/lib/azurite';
import { BlobLeases, type BlobLease } from '../../src/store/azure/blob-leases';
import { LeaseLostError } from '../../src/store/leases';
import { MemoryStore } from '../../src/store/memory';

const DURATION_MS = 15_000;
const REQUEST_TIMEOUT_MS = 100_000;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BlobLeases (Azurite)', function () {
  this.timeout(60_000);
  let azurite: RunningAzurite;
  let container: ContainerClient;
  let store: MemoryStore;
  const now = () => 1_000_000;
  const instance = (extra: { monotonic?: () => number } = {}) => new BlobLeases({ container, store, durationMs: DURATION_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, now, ...extra });

  before(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('leasetests');
    await container.createIfNotExists();
  });
  after(() => azurite?.stop());
  beforeEach(() => (store = new MemoryStore()));

  it('refuses a second holder while held (here too); a released lease goes at once, without a settling delay, at the next epoch', async () => {
    const a = instance();
    const b = instance();
    const first = (await a.acquire('run/r1', 'r1'))!;
    assert.deepEqual(first.fence, { key: 'r1', epoch: 1 });
    assert.equal(first.settleNotBefore, undefined, 'nobody held it before');
    assert.equal(first.held(), true);
    assert.equal(await b.acquire('run/r1', 'r1'), undefined);
    assert.equal(await a.acquire('run/r1', 'r1'), undefined, 'held in this process');
    await first.release();
    assert.equal(first.held(), false);
    const second = (await b.acquire('run/r1', 'r1'))!;
    assert.deepEqual(second.fence, { key: 'r1', epoch: 2 });
    assert.equal(second.settleNotBefore, undefined, 'released, not lost');
    await Promise.all([a.close(), b.close()]);
    assert.ok(await a.acquire('run/r1', 'r1'), 'close released it');
    await a.close();
  });

  it('renewed past its duration it stays held; a holder paused past its lease knows it at once, and the next holder settles only after the request timeout', async () => {
    const a = instance();
    const b = instance();
    const renewed = (await a.acquire('run/renewed', 'renewed'))!;
    const paused = (await a.acquire('run/paused', 'paused'))! as BlobLease;
    let lost = 0;
    paused.onLost(() => lost++);
    paused.stopRenewing(); // as if the process were stopped (SIGSTOP): no timer runs
    await wait(DURATION_MS + 1500);
    assert.equal(paused.held(), false, 'its own clock says it ran out');
    assert.throws(() => paused.assertHeld(), LeaseLostError);
    assert.equal(lost, 1);
    const taken = (await b.acquire('run/paused', 'paused'))!;
    assert.ok(taken, 'taken over once it expired');
    assert.equal(taken.settleNotBefore, now() + REQUEST_TIMEOUT_MS);
    assert.equal(taken.fence.epoch, 2);
    assert.equal(renewed.held(), true);
    assert.equal(await b.acquire('run/renewed', 'renewed'), undefined, 'renewed in the background: still held');
    await Promise.all([a.close(), b.close()]);
  });

  it('held() follows the monotonic clock: false once the last renewal sent plus the duration, less the margin, is past', async () => {
    let clock = 0;
    const a = instance({ monotonic: () => clock });
    const lease = (await a.acquire('run/clock', 'clock'))!;
    let lost = 0;
    lease.onLost(() => lost++);
    clock = DURATION_MS - 3000 - 1; // margin: max(2 s, duration / 5) = 3 s
    assert.equal(lease.held(), true);
    clock = DURATION_MS - 3000;
    assert.equal(lease.held(), false);
    clock = 0;
    assert.equal(lease.held(), false, 'false for good');
    assert.equal(lost, 1);
    await a.close();
  });

  it('a failed renewal (the lease was broken) loses it for good and tells the listeners; the next holder settles after the timeout', async () => {
    const a = instance();
    const lease = (await a.acquire('run/broken', 'broken'))!;
    const told = new Promise<void>((resolve) => lease.onLost(resolve));
    await container.getBlockBlobClient('run/broken').getBlobLeaseClient().breakLease(0);
    await Promise.race([told, wait(DURATION_MS / 3 + 2000).then(() => assert.fail('no renewal failure within a renewal interval'))]);
    assert.equal(lease.held(), false);
    const next = (await instance().acquire('run/broken', 'broken'))!;
    assert.equal(next.settleNotBefore, now() + REQUEST_TIMEOUT_MS);
    assert.equal(next.fence.epoch, 2);
    await next.release();
    await a.close();
  });

  it('only whole seconds from 15 to 60', () => {
    assert.throws(() => new BlobLeases({ container, store, durationMs: 10_000, requestTimeoutMs: 1 }), RangeError);
    assert.throws(() => new BlobLeases({ container, store, durationMs: 61_000, requestTimeoutMs: 1 }), RangeError);
    assert.throws(() => new BlobLeases({ container, store, durationMs: 15_500, requestTimeoutMs: 1 }), RangeError);
  });
});
