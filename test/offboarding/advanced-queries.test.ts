// Every OData cast of a directory list the bot sends carries `ConsistencyLevel: eventual` and `$count=true`, read from
// the simulated tenant's request log (which refuses the transitive and memberOf casts without them): the preflight's
// (inside $batch, on the inner request), the approvers group's (a leaver without a manager), and what the group steps
// read again when they run.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { OffboardingService } from '../../src/offboarding/service';
import { readMemberships, readOwnerships } from '../../src/offboarding/steps/graph-groups';
import { MemoryStore } from '../../src/store/memory';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';

/** GETs whose last path segment is an OData cast (`…/microsoft.graph.group`), top level or inside $batch. */
const casts = (log: LogEntry[]): LogEntry[] => log.filter((e) => e.service === 'graph' && e.method === 'GET' && /\/microsoft\.graph\.\w+$/.test(e.path));

describe('the bot sends every directory cast as an advanced query', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;

  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
  });
  after(() => tenant.close());
  beforeEach(() => tenant.reset());

  it('submit (preflight in $batch, the approvers group for a leaver without a manager) and the group steps reading at run time', async () => {
    const store = new MemoryStore();
    const audit = new Audit(store);
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { maxRetries: 1 });
    const engine = new OffboardingEngine({ graph, exchange, store, audit });
    const service = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72 });
    const P = tenant.personas;

    const elena = await service.submit({ requester: { id: P.operator!, displayName: 'Isaac Ito' }, leaverId: P.noManagerUser!, inheritorId: P.inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const } });
    assert.ok(elena.ok, elena.ok ? '' : elena.reason);
    assert.ok(elena.request.approvers.length > 0 && elena.request.approvers.every((a) => a.role === 'approvers-group'));
    assert.deepEqual(elena.request.warnings.filter((w) => w.code === 'read-failed' || w.code === 'directory-roles-unknown'), [], 'every read answered');
    await readMemberships(graph, P.jane!, 'graph');
    await readOwnerships(graph, P.jane!);

    const log = casts(tenant.requestLog());
    const seen = new Set(log.map((e) => `${e.path.replace(/^\/v1\.0\/(users|groups)\/[^/]+\//, '$1/')}${e.batch ? ' (in $batch)' : ''}`));
    assert.deepEqual([...seen].sort(), [
      'groups/transitiveMembers/microsoft.graph.user',
      'users/memberOf/microsoft.graph.group',
      'users/memberOf/microsoft.graph.group (in $batch)',
      'users/ownedObjects/microsoft.graph.group',
      'users/ownedObjects/microsoft.graph.group (in $batch)',
      'users/transitiveMemberOf/microsoft.graph.directoryRole (in $batch)',
    ]);
    for (const e of log) {
      assert.equal(e.status, 200, `${e.path}?${e.query}`);
      assert.equal(e.consistencyLevel, 'eventual', `${e.path}?${e.query}`);
      assert.match(e.query, /(^|&)\$count=true(&|$)/, e.path);
    }
  });
});
