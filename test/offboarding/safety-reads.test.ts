// A read a safety check depends on never fails silently (DOMAIN.md Pitfalls): against the simulated tenant, through
// the service as Teams drives it, each of the three — admin roles, the protected group, the manager — failing either
// ends in words the approver sees on the plan and the approval card, or refuses the submit, with nothing written.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { graphError, M365Error } from '../../src/m365/errors';
import type { GraphPort, GraphRequest, GraphResult } from '../../src/m365/ports';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { planOffboarding } from '../../src/offboarding/planner';
import { OffboardingService } from '../../src/offboarding/service';
import { SAFETY_READS } from '../../src/offboarding/snapshot';
import { approvalCardData, planCardData } from '../../src/teams/view';
import { MemoryStore } from '../../src/store/memory';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { snapshot } from './fixtures';
import { isM365Write } from '../fakes/simulated-tenant';

const denied = (r: GraphRequest): M365Error =>
  new M365Error({ service: 'graph', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', requestId: 'req-denied', method: r.method, url: r.url });

/** Answers the requests `fails` picks (batched or not) with a 403, as a tenant missing a grant would. */
function failing(graph: GraphPort, fails: (r: GraphRequest) => boolean): GraphPort {
  return {
    call: (r) => (fails(r) ? Promise.reject(denied(r)) : graph.call(r)),
    list: (url, headers, enough) => (fails({ method: 'GET', url }) ? Promise.reject(denied({ method: 'GET', url })) : graph.list(url, headers, enough)),
    batch: async <T>(requests: GraphRequest[]) => {
      const failed = requests.map(fails); // asked once a request: a predicate may count
      const answers = await graph.batch<T>(requests.map((r, i) => (failed[i] ? { method: 'GET' as const, url: '/organization?$select=id' } : r)));
      return answers.map((a, i) => (failed[i] ? denied(requests[i]!) : a));
    },
  };
}

/**
 * $batch as the bot sent it before advanced queries: the inner requests go as written, without ConsistencyLevel and
 * $count=true, so the tenant itself refuses the casts (400 Request_UnsupportedQuery).
 */
function withoutAdvancedQueries(graph: GraphPort): GraphPort {
  return {
    call: (r) => graph.call(r),
    list: (url, headers, enough) => graph.list(url, headers, enough),
    batch: async <T>(requests: GraphRequest[]) => {
      const out: Array<GraphResult<T> | M365Error> = [];
      for (let i = 0; i < requests.length; i += 20) {
        const chunk = requests.slice(i, i + 20);
        const res = await graph.call<{ responses: Array<{ id: string; status: number; body?: unknown; headers?: Record<string, string> }> }>({
          method: 'POST',
          url: '/$batch',
          body: { requests: chunk.map((r, k) => ({ id: String(k + 1), method: r.method, url: r.url, ...(r.body === undefined ? {} : { body: r.body, headers: { 'Content-Type': 'application/json' } }) })) },
        });
        const byId = new Map(res.body.responses.map((x) => [x.id, x]));
        chunk.forEach((r, k) => {
          const x = byId.get(String(k + 1))!;
          out.push(x.status < 300 ? { status: x.status, body: x.body as T } : graphError(x.status, x.body, x.headers, r));
        });
      }
      return out;
    },
  };
}

const isWrite = (e: LogEntry): boolean => isM365Write(e);

describe('safety reads that fail are never silent', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  const P = (): Record<string, string> => tenant.personas;
  const isaac = (): { id: string; displayName: string } => ({ id: P().operator!, displayName: 'Isaac Ito' });

  function service(wrap: (g: GraphPort) => GraphPort): OffboardingService {
    const store = new MemoryStore();
    const audit = new Audit(store);
    const m365 = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { maxRetries: 1, onCall: audit.onCall });
    const graph = wrap(m365.graph);
    const engine = new OffboardingEngine({ graph, exchange: m365.exchange, store, audit });
    return new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, now: () => new Date('2026-11-27T10:00:00.000Z') });
  }
  const submitJane = (s: OffboardingService) => s.submit({ requester: isaac(), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const } });

  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
  });
  after(() => tenant.close());
  beforeEach(() => tenant.reset());

  it('admin roles: the tenant refuses the read (a cast sent without the advanced query parameters) and the approval card says so first', async () => {
    const result = await submitJane(service(withoutAdvancedQueries));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const refused = tenant.requestLog().find((e) => e.batch && e.path.endsWith('/transitiveMemberOf/microsoft.graph.directoryRole'));
    assert.equal(refused?.status, 400, 'the tenant refused the roles read');
    const { request } = result;
    assert.equal(request.warnings[0]?.code, 'directory-roles-unknown');
    assert.match(request.warnings[0].message, /^Couldn't check whether Jane Doe holds admin \(directory\) roles \(400 Request_UnsupportedQuery, request id [0-9a-f-]+\)\. .*Check their roles in Entra ID before approving\.$/);
    assert.ok(!request.warnings.some((w) => w.code === 'read-failed' && /directory roles/.test(w.message)), 'not the generic "reads again when it runs": nothing reads roles again');
    assert.ok(request.plan.followUps.some((f) => /Jane Doe's directory roles in Entra ID/.test(f.message)));
    // What the approver and the thread see: the first warning line of the cards, never cut by the cap.
    for (const card of [approvalCardData(request), planCardData(request)]) {
      assert.match(card.warnings[0]!, /^⚠️ Couldn't check whether Jane Doe holds admin \(directory\) roles/);
    }
    assert.deepEqual(tenant.requestLog().filter(isWrite), []);
  });

  it('protected group: the membership check fails and the submit is refused, nothing stored or written', async () => {
    // The leaver's check (by id or UPN) asks about the protected group; the requester's, about the operators.
    const s = service((g) => failing(g, (r) => r.url.endsWith('/checkMemberGroups') && JSON.stringify(r.body).includes(tenant.groups.protectedGroupId)));
    const result = await submitJane(s);
    assert.ok(!result.ok);
    assert.equal(result.reason, "I couldn't check whether Jane Doe is protected, so I won't offboard them. Try again later.");
    assert.equal(await s.openRequestFor(P().jane!), undefined);
    assert.deepEqual(tenant.requestLog().filter(isWrite), []);
    // The same at `offboard jane.doe@contoso.com`: no request card.
    const resolved = await s.resolve(isaac(), 'jane.doe@contoso.com', { kind: 'personal' });
    assert.deepEqual(resolved, { ok: false, reason: "I couldn't check whether Jane Doe is protected, so I won't offboard them. Try again later." });
  });

  it('manager: unreadable when the leaver is checked, the submit is refused in words (not "no manager")', async () => {
    const s = service((g) => failing(g, (r) => r.url.startsWith(`/users/${encodeURIComponent(P().jane!)}/manager`)));
    const result = await submitJane(s);
    assert.ok(!result.ok);
    assert.match(result.reason, /^I couldn't read Jane Doe's manager \(403 Authorization_RequestDenied: .*request id req-denied.*\), who approves this, so I won't go ahead\. Try again later\.$/);
    assert.equal(await s.openRequestFor(P().jane!), undefined);
    assert.deepEqual(tenant.requestLog().filter(isWrite), []);
  });

  it('manager: unreadable in the preflight only, the plan is refused (the approvers group is not asked instead)', async () => {
    let managerReads = 0;
    const s = service((g) => failing(g, (r) => r.url.startsWith(`/users/${encodeURIComponent(P().jane!)}/manager`) && ++managerReads > 1));
    const result = await submitJane(s);
    assert.ok(!result.ok);
    assert.equal(managerReads, 2, 'the check read it, the preflight failed to');
    assert.match(result.reason, /^This plan can't go ahead: Couldn't read Jane Doe's manager \(403 Authorization_RequestDenied, request id req-denied\), who approves this offboarding/);
    assert.equal(await s.openRequestFor(P().jane!), undefined);
    assert.deepEqual(tenant.requestLog().filter(isWrite), []);
  });

  it('the planner words them itself: roles unknown first, a failed manager read a refusal, "no manager" (404) still fine', () => {
    const error = { service: 'graph' as const, status: 503, code: 'serviceNotAvailable', message: 'Try later', requestId: 'r-1' };
    const roles = planOffboarding(snapshot({ directoryRoles: undefined }, {}, [{ what: 'MFA methods', error }, { what: SAFETY_READS.directoryRoles, error }]), DEFAULT_OPTIONS);
    assert.equal(roles.warnings[0]?.code, 'directory-roles-unknown');
    assert.deepEqual(roles.warnings.filter((w) => w.code === 'read-failed').map((w) => w.message.split(' (')[0]), ["Couldn't read MFA methods"]);
    assert.match(roles.warnings[0].message, /\(503 serviceNotAvailable, request id r-1\)/);
    assert.deepEqual(roles.refusals, []);
    const manager = planOffboarding(snapshot({ manager: undefined }, {}, [{ what: SAFETY_READS.manager, error }]), DEFAULT_OPTIONS);
    assert.equal(manager.refusals.length, 1);
    assert.match(manager.refusals[0]!, /^Couldn't read Jane Doe's manager \(503 serviceNotAvailable, request id r-1\)/);
    assert.ok(!manager.warnings.some((w) => w.code === 'read-failed'));
    assert.deepEqual(planOffboarding(snapshot({ manager: undefined }), DEFAULT_OPTIONS).refusals, [], 'no manager at all (Graph 404) is an answer');
  });
});
