// OFFBOARDABLE_UNIT_ID against the simulated tenant: a leaver outside the administrative unit is refused before
// approval with a clear message and nothing written; one inside goes ahead; a failed read refuses too.
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config';
import { createM365 } from '../../src/m365';
import { M365Error } from '../../src/m365/errors';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { OffboardingService } from '../../src/offboarding/service';
import { MemoryStore } from '../../src/store/memory';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';
import { isM365Write } from '../fakes/simulated-tenant';

const UNIT = '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d'; // the seed's "Offboardable staff": Jane is in it


describe('OFFBOARDABLE_UNIT_ID: the administrative-unit check before approval', function () {
  this.timeout(30_000);
  let tenant: SimulatedTenant;
  let store: MemoryStore;

  function service(unitId: string | undefined, directory?: Directory): OffboardingService {
    store = new MemoryStore();
    const audit = new Audit(store);
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
    const engine = new OffboardingEngine({ graph, exchange, store, audit });
    return new OffboardingService({
      store,
      engine,
      access: new AccessPolicy(graph, tenant.groups),
      directory: directory ?? new Directory(graph),
      audit,
      approvalTtlHours: 72,
      ...(unitId ? { offboardableUnitId: unitId } : {}),
    });
  }
  const P = (): Record<string, string> => tenant.personas;
  const operator = (): { id: string; displayName: string } => ({ id: P().operator!, displayName: 'Isaac Ito' });
  const input = (leaver: string) => ({ requester: operator(), leaverId: P()[leaver]!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const } });

  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
  });
  after(() => tenant.close());
  beforeEach(() => tenant.reset());

  it('the config takes an optional GUID', () => {
    assert.equal(loadConfig({}).offboardableUnitId, undefined);
    assert.equal(loadConfig({ OFFBOARDABLE_UNIT_ID: UNIT }).offboardableUnitId, UNIT);
    assert.throws(() => loadConfig({ OFFBOARDABLE_UNIT_ID: 'sales' }), /OFFBOARDABLE_UNIT_ID: must be a GUID/);
  });

  it('a leaver outside the unit is refused on submit, before approval: clear message, nothing stored, nothing written', async () => {
    const s = service(UNIT);
    const result = await s.submit(input('outsideUnit'));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /^Kevin O'Brien is not in the administrative unit this bot may offboard \(OFFBOARDABLE_UNIT_ID 5c1b2a3d-.*\), so I won't offboard them\. Nothing was changed\.$/);
    assert.equal(await s.openRequestFor(P().outsideUnit!), undefined);
    const log = tenant.requestLog();
    assert.ok(log.some((e) => e.method === 'GET' && e.path === `/v1.0/directory/administrativeUnits/${UNIT}/members/${P().outsideUnit!}` && e.status === 404), 'the membership read');
    assert.deepEqual(log.filter(isM365Write), [], 'nothing written');
    assert.ok(!log.some((e) => e.service === 'exchange'), 'no preflight either');
    // The card's own check (before the card is shown) refuses the same way.
    const checked = await s.checkLeaver(operator(), P().outsideUnit!, { kind: 'personal' });
    assert.equal(checked.ok, false);
  });

  it('a leaver inside the unit goes ahead to approval', async () => {
    const s = service(UNIT);
    const result = await s.submit(input('jane'));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.request.status, 'requested');
    assert.ok(tenant.requestLog().some((e) => e.path === `/v1.0/directory/administrativeUnits/${UNIT}/members/${P().jane!}` && e.status === 200));
  });

  it('without OFFBOARDABLE_UNIT_ID nobody is checked: the leaver outside the unit goes ahead', async () => {
    const s = service(undefined);
    const checked = await s.checkLeaver(operator(), P().outsideUnit!, { kind: 'personal' });
    assert.ok(checked.ok, checked.ok ? '' : checked.reason);
    assert.ok(!tenant.requestLog().some((e) => e.path.includes('/administrativeUnits/')));
  });

  it('a membership read that fails refuses (never fails open)', async () => {
    const { graph } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
    const directory = new Directory(graph);
    directory.inAdministrativeUnit = () => Promise.reject(new M365Error({ service: 'graph', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', requestId: 'r-1' }));
    const s = service(UNIT, directory);
    const checked = await s.checkLeaver(operator(), P().jane!, { kind: 'personal' });
    assert.equal(checked.ok, false);
    assert.match(checked.ok ? '' : checked.reason, /^I couldn't check whether Jane Doe is in the administrative unit this bot may offboard \(403 Authorization_RequestDenied: Insufficient privileges.*\), so I won't offboard them\. Nothing was changed\.$/);
  });
});
