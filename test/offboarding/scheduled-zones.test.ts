// Scheduling reads the requester's and the approvers' time zones and keeps them on the request (issue 12); a read that
// fails leaves them in UTC and never holds up the schedule. Service level, against the simulated tenant.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { OffboardingService, type RequestNotifier } from '../../src/offboarding/service';
import { MemoryStore } from '../../src/store/memory';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';

describe('scheduling: time zones read and kept, people told', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  const clock = new Date('2026-11-27T10:00:00.000Z');
  const told: OffboardingRequest[] = [];

  function service(directory?: (graph: ConstructorParameters<typeof Directory>[0]) => Directory): OffboardingService {
    const store = new MemoryStore();
    const audit = new Audit(store);
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
    const engine = new OffboardingEngine({ graph, exchange, store, audit });
    const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: directory ? directory(graph) : new Directory(graph), audit, approvalTtlHours: 72, now: () => clock });
    const notifier = {
      progress: () => undefined,
      decided: () => Promise.resolve(),
      started: () => Promise.resolve(),
      ended: () => Promise.resolve(),
      approversWithoutCard: () => [],
      deliverApprovals: () => Promise.resolve({}),
      tellRequester: () => Promise.resolve(undefined),
      reapprovalNeeded: () => Promise.resolve(),
      scheduled: (r: OffboardingRequest) => (told.push(r), Promise.resolve()),
    } satisfies RequestNotifier;
    s.setNotifier(notifier);
    return s;
  }

  async function approveLater(s: OffboardingService): Promise<OffboardingRequest> {
    const P = tenant.personas;
    const submitted = await s.submit({ requester: { id: P.operator!, displayName: 'Isaac Ito' }, leaverId: P.jane!, inheritorId: P.inheritorCandidate!, options: DEFAULT_OPTIONS, effectiveAt: '2026-12-04T16:00:00.000Z', timeZone: 'Europe/London', teams: {}, where: { kind: 'personal' } });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    const decided = await s.decide(submitted.request.id, { id: P.janeManager!, displayName: 'Marcus Reed' }, 'approved');
    assert.ok(decided.ok);
    await s.idle();
    return (await s.get(submitted.request.id))!;
  }

  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
  });
  after(() => tenant.close());
  beforeEach(() => {
    tenant.reset();
    told.length = 0;
  });

  it('reads the requester and the approver in one $batch, keeps their zones, tells them once', async () => {
    const r = await approveLater(service());
    assert.equal(r.status, 'scheduled');
    assert.deepEqual(r.zones, { [tenant.personas.operator!]: 'Europe/London', [tenant.personas.janeManager!]: 'Europe/Berlin' });
    assert.deepEqual(told.map((t) => [t.id, t.status, t.zones]), [[r.id, 'scheduled', r.zones]]);
    const reads = tenant.requestLog().filter((e) => e.path.endsWith('/mailboxSettings/timeZone'));
    assert.equal(reads.length, 2);
    assert.equal(new Set(reads.map((e) => e.batch?.batchRequestId)).size, 1);
  });

  it('a process that died before telling tells at start-up; once told, a restart tells nobody again', async () => {
    const s = service();
    const r = await approveLater(s);
    assert.ok(r.scheduledToldAt, 'the telling is recorded');
    assert.equal(told.length, 1);
    await s.resume();
    await s.idle();
    assert.equal(told.length, 1, 'told once: a restart does not tell again');
    // As if the process died between scheduling and telling: no record of it.
    const store = (s as unknown as { deps: { store: MemoryStore } }).deps.store;
    const doc = (await store.get<OffboardingRequest>('requests', r.id))!;
    await store.put('requests', r.id, { ...doc.value, scheduledToldAt: undefined }, doc.etag);
    await s.resume();
    await s.idle();
    assert.equal(told.length, 2);
    assert.equal(told[1]!.id, r.id);
    assert.ok((await s.get(r.id))!.scheduledToldAt);
  });

  it('a failed read never holds up the schedule: nobody has a zone (UTC), everyone is told', async () => {
    const failing = (graph: ConstructorParameters<typeof Directory>[0]) => {
      const d = new Directory(graph);
      d.timeZones = () => Promise.reject(new Error('503 Service Unavailable'));
      return d;
    };
    const r = await approveLater(service(failing));
    assert.equal(r.status, 'scheduled');
    assert.equal(r.zones, undefined);
    assert.equal(told.length, 1);
    assert.deepEqual(told[0]!.zones, {});
  });

  it('cancelled before the zones were read: nobody is told the run time', async () => {
    const the: { service?: OffboardingService } = {};
    const cancelling = (graph: ConstructorParameters<typeof Directory>[0]) => {
      const d = new Directory(graph);
      const read = d.timeZones.bind(d);
      d.timeZones = async (ids, maxAgeMs) => {
        const s = the.service!;
        const open = (await s.list()).find((x) => x.status === 'scheduled')!;
        await s.cancel(open.id, { id: tenant.personas.operator!, displayName: 'Isaac Ito' });
        return read(ids, maxAgeMs);
      };
      return d;
    };
    the.service = service(cancelling);
    const r = await approveLater(the.service);
    assert.equal(r.status, 'cancelled');
    assert.deepEqual(told, []);
  });
});
