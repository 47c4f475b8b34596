// Shared by the tests that run against the simulated tenant: what counts as a Microsoft 365 write (DOMAIN.md "What
// counts as a write", through the governor's own rule for Graph), and one tenant per describe block, reset before
// each test.
import { isGraphWrite } from '../../src/m365/governor-budgets';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';

/** Any Graph request but GET, the read-only actions and the `$batch` envelope (its inner requests are logged on their own); any cmdlet but Get-*. */
export function isM365Write(e: { service: string; method: string; path: string; cmdlet?: string }): boolean {
  return e.service === 'exchange' ? !/^Get-/.test(e.cmdlet ?? '') : isGraphWrite(e.method, e.path);
}

/**
 * Starts one simulated tenant (no mailbox conversion delay) before the block's tests, hands it to `use`, resets it
 * before each test and then calls `reset` (the test's own state: a clock, recorded events), and closes it after.
 */
export function simulatedTenantPerSuite(use: (tenant: SimulatedTenant) => void, reset: () => void = () => undefined): void {
  let tenant: SimulatedTenant | undefined;
  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
    use(tenant);
  });
  after(() => tenant?.close());
  beforeEach(() => {
    tenant!.reset();
    reset();
  });
}
