// No request left in limbo, at the service level (in-memory store, the simulated tenant for the read-only preview,
// a scripted notifier, an injected clock): a request stored without its leaver's claim is withdrawn after a minute
// and not before; approval cards that never arrived are delivered by a later tick, once, even when two instances
// tick at the same time, with a backoff after failures; when nobody can be reached the requester is told at once,
// once. Bot-level versions of these are in test/teams/limbo.test.ts.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { UNCLAIMED, type DeliveryOutcome, type RequesterNews } from '../../src/offboarding/housekeeping';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { OPEN_BY_LEAVER, OffboardingService, REQUESTS, type RequestNotifier } from '../../src/offboarding/service';
import { MemoryStore } from '../../src/store/memory';
import type { AuditEntry, AuditFilter, Fence, Store } from '../../src/store/store';
import type { SimulatedTenant } from '../../src/simulator';
import { isM365Write, simulatedTenantPerSuite } from '../fakes/simulated-tenant';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The in-memory store, where one write can be held: never released, it is a crash at that point. */
class GatedStore implements Store {
  private gate?: { op: 'put' | 'delete'; collection: string; reached: () => void; open: Promise<void> };
  constructor(readonly inner = new MemoryStore()) {}

  hold(op: 'put' | 'delete', collection: string): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const r = new Promise<void>((resolve) => (reached = resolve));
    this.gate = { op, collection, reached, open: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: r, release };
  }

  private async pass(op: 'put' | 'delete', collection: string): Promise<void> {
    const g = this.gate;
    if (g?.op === op && g.collection === collection) {
      this.gate = undefined;
      g.reached();
      await g.open;
    }
  }

  get<T>(c: string, id: string) {
    return this.inner.get<T>(c, id);
  }
  async put<T>(c: string, id: string, value: T, etag: string | null, fence?: Fence) {
    await this.pass('put', c);
    return this.inner.put(c, id, value, etag, fence);
  }
  async delete(c: string, id: string, etag: string, fence?: Fence) {
    await this.pass('delete', c);
    return this.inner.delete(c, id, etag, fence);
  }
  advanceFence(key: string) {
    return this.inner.advanceFence(key);
  }
  collections() {
    return this.inner.collections();
  }
  list<T>(c: string, prefix?: string) {
    return this.inner.list<T>(c, prefix);
  }
  appendAudit(e: AuditEntry) {
    return this.inner.appendAudit(e);
  }
  appendAuditBatch(e: AuditEntry[]) {
    return this.inner.appendAuditBatch(e);
  }
  readAudit(f?: AuditFilter) {
    return this.inner.readAudit(f);
  }
  close() {
    return this.inner.close();
  }
}

/** What every instance's notifier did, and what Teams will answer (shared, as Teams is). */
class World {
  deliveries: string[] = [];
  told: string[] = [];
  tellFails = 0;
  outcome: (approverId: string) => DeliveryOutcome = () => 'delivered';
}

/** A notifier that keeps its card references on the request, like TeamsNotifier (so any instance sees them). */
function scriptedNotifier(world: World, service: () => OffboardingService): RequestNotifier {
  return {
    progress: () => undefined,
    decided: () => Promise.resolve(),
    started: () => Promise.resolve(),
    ended: () => Promise.resolve(),
    reapprovalNeeded: () => Promise.resolve(),
    approversWithoutCard: (r) => {
      const carded = new Set(((r.teams.approvals as Array<{ approverId: string }> | undefined) ?? []).map((a) => a.approverId));
      return r.approvers.map((a) => a.id).filter((id) => !carded.has(id));
    },
    async deliverApprovals(r, ids) {
      const outcomes: Record<string, DeliveryOutcome> = {};
      for (const id of ids) {
        await new Promise((res) => setTimeout(res, 5)); // a delivery takes a while: ticks may overlap it
        world.deliveries.push(`${r.id} ${id}`);
        outcomes[id] = world.outcome(id);
        if (outcomes[id] === 'delivered') {
          await service().annotate(r.id, (t) => ({ ...t, approvals: [...((t.approvals as unknown[] | undefined) ?? []), { approverId: id }] }));
        }
      }
      return outcomes;
    },
    tellRequester(r, news: RequesterNews) {
      world.told.push(`${news} ${r.id}`);
      return Promise.resolve(world.tellFails-- > 0 ? undefined : 'thread');
    },
  };
}

describe('housekeeping: no request left in limbo', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  let clock: Date;
  let world: World;

  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  function instance(store: Store): OffboardingService {
    const audit = new Audit(store);
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall });
    const engine = new OffboardingEngine({ graph, exchange, store, audit });
    const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, now: () => clock });
    s.setNotifier(scriptedNotifier(world, () => s));
    return s;
  }

  const P = () => tenant.personas;
  const isaac = () => ({ id: P().operator!, displayName: 'Isaac Ito' });
  const input = (leaverKey = 'jane') => ({ requester: isaac(), leaverId: P()[leaverKey]!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const } });

  async function submit(s: OffboardingService, leaverKey = 'jane'): Promise<OffboardingRequest> {
    const result = await s.submit(input(leaverKey));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    return result.request;
  }

  const stored = async (store: Store, id: string) => (await store.get<OffboardingRequest>(REQUESTS, id))!.value;
  const events = async (store: Store, requestId: string) => (await store.readAudit({ requestId })).map((e) => String(e.data?.event));
  /** Microsoft 365 writes seen by the simulated tenant (none of this may write anything). */
  const writes = () => tenant.requestLog().filter(isM365Write);

  simulatedTenantPerSuite(
    (t) => (tenant = t),
    () => {
      clock = new Date('2026-11-27T10:00:00.000Z');
      world = new World();
    },
  );
  afterEach(() => assert.deepEqual(writes(), [], 'nothing written to Microsoft 365'));

  describe('a request stored without its claim', () => {
    it('is withdrawn once it is older than a minute, not before; it never held the leaver, and the requester is told once', async () => {
      const store = new GatedStore();
      const s = instance(store);
      const crash = store.hold('put', OPEN_BY_LEAVER); // never released: the process died there
      void s.submit(input());
      await crash.reached;
      const [marker] = await store.list<{ requestId: string }>(UNCLAIMED);
      const id = marker!.value.requestId;
      assert.equal((await stored(store, id)).status, 'requested');
      assert.equal(await store.get(OPEN_BY_LEAVER, P().jane!), undefined);

      later(59 * SECOND);
      await s.tick();
      await s.idle();
      assert.equal((await stored(store, id)).status, 'requested', 'not before a minute');
      assert.deepEqual(world.told, []);

      later(2 * SECOND);
      await s.tick();
      await s.idle();
      const withdrawn = await stored(store, id);
      assert.equal(withdrawn.status, 'withdrawn');
      assert.equal(withdrawn.withdrawn?.at, clock.toISOString());
      assert.match(withdrawn.withdrawn?.reason ?? '', /stopped while opening it/);
      assert.deepEqual(await store.list(UNCLAIMED), []);
      assert.deepEqual(await events(store, id), ['withdrawn', 'requester-told']);
      assert.deepEqual(world.told, [`withdrawn ${id}`]);
      assert.deepEqual(world.deliveries, [], 'nobody is asked to approve an orphan');

      // Final: nothing more happens to it, nobody can decide or cancel it, and it shows among the ended ones.
      later(10 * MINUTE);
      await s.tick();
      await s.idle();
      assert.deepEqual(world.told, [`withdrawn ${id}`], 'told once');
      const marcus = { id: P().janeManager!, displayName: 'Marcus Reed' };
      const decided = await s.decide(id, marcus, 'approved');
      assert.ok(!decided.ok && /was withdrawn/.test(decided.reason));
      const cancelled = await s.cancel(id, isaac());
      assert.ok(!cancelled.ok && /was withdrawn/.test(cancelled.reason));
      assert.deepEqual((await s.list()).map((r) => `${r.id} ${r.status}`), [`${id} withdrawn`]);
      // The leaver was never claimed by it: a new request for them opens normally.
      const again = await submit(s);
      assert.equal((await s.openRequestFor(P().jane!))?.id, again.id);
    });

    it('a submit slower than a minute loses to housekeeping: it says so, and gives the leaver back', async () => {
      const store = new GatedStore();
      const s = instance(store);
      const slow = store.hold('put', OPEN_BY_LEAVER);
      const pending = s.submit(input());
      await slow.reached;
      later(61 * SECOND);
      await s.tick();
      const [r] = await s.list();
      assert.equal(r?.status, 'withdrawn');
      slow.release(); // the claim is written now, after the withdrawal
      const result = await pending;
      assert.ok(!result.ok && /took too long, so it was withdrawn/.test(result.reason));
      assert.equal(await store.get(OPEN_BY_LEAVER, P().jane!), undefined, 'the claim was given back');
      assert.deepEqual(await store.list(UNCLAIMED), []);
      await s.idle();
      await submit(s);
    });

    it('a slow submit whose claim housekeeping saw first (and cleared the marker for it) stays open, not withdrawn', async () => {
      const store = new GatedStore();
      const s = instance(store);
      const clearing = store.hold('delete', UNCLAIMED); // the submit claims, then is slow to clear its marker
      const pending = s.submit(input());
      await clearing.reached;
      later(61 * SECOND);
      await s.tick(); // sees the claim: removes the marker itself
      assert.deepEqual(await store.list(UNCLAIMED), []);
      clearing.release(); // the submit's own delete now conflicts
      const result = await pending;
      assert.ok(result.ok, result.ok ? '' : result.reason);
      assert.equal((await stored(store, result.request.id)).status, 'requested');
      assert.equal((await s.openRequestFor(P().jane!))?.id, result.request.id, 'the claim is kept');
      await s.idle();
    });

    it('a slow submit that claimed after the withdrawal and then died leaves no stale claim behind: the leaver stays free', async () => {
      const store = new GatedStore();
      const s = instance(store);
      const slow = store.hold('put', OPEN_BY_LEAVER);
      void s.submit(input());
      await slow.reached;
      later(61 * SECOND);
      await s.tick();
      await s.idle();
      const [withdrawn] = await s.list();
      assert.equal(withdrawn?.status, 'withdrawn');
      const death = store.hold('delete', UNCLAIMED); // it claims, then dies before clearing its marker
      slow.release();
      await death.reached;
      assert.equal((await store.get<{ requestId: string }>(OPEN_BY_LEAVER, P().jane!))?.value.requestId, withdrawn.id);
      assert.equal(await s.openRequestFor(P().jane!), undefined);
      const again = await submit(s);
      assert.equal((await s.openRequestFor(P().jane!))?.id, again.id, 'the claim of an ended request is taken over');
    });

    it('a submit that died before storing its request leaves only a marker, which is removed', async () => {
      const store = new GatedStore();
      const s = instance(store);
      const crash = store.hold('put', REQUESTS);
      void s.submit(input());
      await crash.reached;
      assert.equal((await store.list(UNCLAIMED)).length, 1);
      later(61 * SECOND);
      await s.tick();
      await s.idle();
      assert.deepEqual(await store.list(UNCLAIMED), []);
      assert.deepEqual(await s.list(), []);
      assert.deepEqual(world.told, []);
    });

    it('a submit that died after its claim keeps its request (its marker is removed), and its cards go out later', async () => {
      const store = new GatedStore();
      const s = instance(store);
      const crash = store.hold('delete', UNCLAIMED);
      void s.submit(input());
      await crash.reached;
      later(61 * SECOND);
      await s.tick();
      await s.idle();
      const [r] = await s.list();
      assert.equal(r?.status, 'requested');
      assert.equal((await s.openRequestFor(P().jane!))?.id, r.id);
      assert.deepEqual(await store.list(UNCLAIMED), []);
      assert.deepEqual(world.deliveries, [], 'the submit may still be delivering: its lease has not lapsed');
      later(MINUTE);
      await s.tick();
      await s.idle();
      assert.deepEqual(world.deliveries, [`${r.id} ${P().janeManager}`]);
    });
  });

  describe('approval cards never delivered', () => {
    it('are delivered by a later tick, exactly once, even when two instances tick at the same time', async () => {
      const store = new MemoryStore();
      const [a, b] = [instance(store), instance(store)];
      const r = await submit(a); // stored, then the process died before sending any card
      later(30 * SECOND);
      await Promise.all([a.tick(), b.tick()]);
      assert.deepEqual(world.deliveries, [], 'within the lease the submit may still be delivering');

      later(91 * SECOND);
      await Promise.all([a.tick(), b.tick(), b.tick()]);
      await Promise.all([a.idle(), b.idle()]);
      assert.deepEqual(world.deliveries, [`${r.id} ${P().janeManager}`]);
      assert.equal((await events(store, r.id)).filter((e) => e === 'approval-redelivery').length, 1);
      const delivery = (await stored(store, r.id)).delivery!.approvers[P().janeManager!]!;
      assert.equal(delivery.attempts, 2);

      later(3 * MINUTE);
      await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.idle(), b.idle()]);
      assert.deepEqual(world.deliveries, [`${r.id} ${P().janeManager}`], 'a card that arrived is not sent again');
      assert.deepEqual(world.told, []);
    });

    it('nobody reachable: the requester is told at once and once; retries back off; told again when the card gets through', async () => {
      const store = new MemoryStore();
      const s = instance(store);
      const marcus = P().janeManager!;
      world.outcome = () => 'failed';
      const r = await submit(s);
      // The submit's own round (TeamsNotifier.requested) ended with no card: the service hears of it at once.
      await s.approvalsDelivered(r, { [marcus]: 'failed' });
      assert.deepEqual(world.told, [`nobody-reachable ${r.id}`], 'told at once, not at the expiry');
      assert.equal((await stored(store, r.id)).delivery?.nobodyReached?.via, 'thread');

      const tick = async (ms: number) => {
        later(ms);
        await s.tick();
        await s.idle();
      };
      await tick(59 * SECOND);
      assert.deepEqual(world.deliveries, [], 'backoff: a minute after the first failure');
      await tick(2 * SECOND);
      assert.deepEqual(world.deliveries, [`${r.id} ${marcus}`]);
      for (let i = 0; i < 20; i++) {
        await tick(5 * SECOND); // housekeeping's pace: the backoff is now two minutes
      }
      assert.deepEqual(world.deliveries, [`${r.id} ${marcus}`]);
      assert.deepEqual(world.told, [`nobody-reachable ${r.id}`], 'not told again for the same outage');

      world.outcome = () => 'delivered'; // Teams is back
      await tick(MINUTE);
      assert.equal(world.deliveries.length, 2);
      assert.deepEqual(world.told, [`nobody-reachable ${r.id}`, `reached ${r.id}`]);
      await tick(30 * MINUTE);
      assert.equal(world.deliveries.length, 2);
      assert.equal(world.told.length, 2);
      const audit = await events(store, r.id);
      assert.equal(audit.filter((e) => e === 'requester-told').length, 2);
      assert.equal(audit.filter((e) => e === 'approval-undelivered').length, 2);
      assert.equal(audit.filter((e) => e === 'approval-redelivery').length, 2);
    });

    it('one approver of several reached is enough: nobody is told, and only the others are tried again', async () => {
      const store = new MemoryStore();
      const s = instance(store);
      const r = await submit(s, 'noManagerUser');
      assert.ok(r.approvers.length >= 2);
      const [first, ...others] = r.approvers.map((a) => a.id);
      world.outcome = () => 'failed';
      // The submit's own round: the first approver got a card, the others none.
      await s.annotate(r.id, (t) => ({ ...t, approvals: [{ approverId: first }] }));
      await s.approvalsDelivered(r, { [first!]: 'delivered', ...Object.fromEntries(others.map((id) => [id, 'failed' as const])) });
      later(61 * SECOND);
      await s.tick();
      await s.idle();
      assert.deepEqual(world.deliveries.sort(), others.map((id) => `${r.id} ${id}`).sort());
      assert.deepEqual(world.told, []);
    });

    it('when telling fails too, the next failed round tries again, not every tick', async () => {
      const store = new MemoryStore();
      const s = instance(store);
      world.outcome = () => 'failed';
      world.tellFails = 1;
      const r = await submit(s);
      await s.approvalsDelivered(r, { [P().janeManager!]: 'failed' });
      assert.deepEqual(world.told, [`nobody-reachable ${r.id}`]);
      assert.equal((await stored(store, r.id)).delivery?.nobodyReached, undefined, 'not told: not recorded as told');
      for (let i = 0; i < 11; i++) {
        later(5 * SECOND);
        await s.tick();
        await s.idle();
      }
      assert.equal(world.told.length, 1, 'no retry every tick');
      later(10 * SECOND);
      await s.tick();
      await s.idle();
      assert.deepEqual(world.told, [`nobody-reachable ${r.id}`, `nobody-reachable ${r.id}`]);
      assert.equal((await stored(store, r.id)).delivery?.nobodyReached?.via, 'thread');
    });

    it('a decided or expired request gets no more cards', async () => {
      const store = new MemoryStore();
      const s = instance(store);
      const r = await submit(s);
      await s.cancel(r.id, isaac());
      const e = await submit(s);
      later(73 * 3600 * SECOND);
      await s.tick();
      await s.idle();
      assert.equal((await stored(store, e.id)).status, 'expired');
      assert.deepEqual(world.deliveries, []);
    });
  });
});
