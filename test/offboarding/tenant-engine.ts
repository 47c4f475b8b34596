// The engine as the bot builds it, over a simulated tenant through the real gateways and an in-memory store: for
// tests of whole runs. Retries wait at most 20 ms and the shared-mailbox poll is quick, so runs take under a second.
import { createM365 } from '../../src/m365';
import type { Governor } from '../../src/m365/governor';
import { Audit } from '../../src/offboarding/audit';
import { OffboardingEngine } from '../../src/offboarding/engine';
import type { SimulatedTenant } from '../../src/simulator';
import { MemoryStore } from '../../src/store/memory';

export function engineOver(tenant: SimulatedTenant, { maxRetries = 10, governor, realSleep = false }: { maxRetries?: number; governor?: Governor; realSleep?: boolean } = {}): { engine: OffboardingEngine; store: MemoryStore } {
  const store = new MemoryStore();
  const audit = new Audit(store);
  const { graph, exchange } = createM365(
    { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
    { maxRetries, onCall: audit.onCall, sleep: (ms) => new Promise((r) => setTimeout(r, realSleep ? ms : Math.min(ms, 20))), ...(governor ? { governor } : {}) },
  );
  const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 50, sharedPollMaxMs: 200, sharedPollTimeoutMs: 10_000 } });
  return { engine, store };
}
