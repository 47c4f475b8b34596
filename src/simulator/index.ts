// The simulated tenant: an HTTP server on 127.0.0.1 that serves Microsoft Graph v1.0 and Exchange's InvokeCommand
// over a seeded demo organisation, so the bot reaches it only through GRAPH_BASE_URL / EXCHANGE_BASE_URL — the same
// code path as production. See docs/SIMULATOR.md.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { advanceClock, checkInManagedDevice, removeManagedDevice, setDeviceActionState, setTemporaryAccessPassPolicy, syncMobile, type ManagedDeviceActionView, type SettableActionState, type TemporaryAccessPassPolicyChange } from './controls';
import type { MobileSyncResult } from './exchange/mobileDevices';
import { NO_LOST_ANSWERS, type FamilyBudgets, type LostAnswerFaults } from './faults';
import { loadSeed } from './seed';
import { SimulatorCore } from './server';
import { DEFAULT_APP_GRANTS, type AppGrants } from './state';
import type { LogEntry } from './requestLog';
import type { SeedTenant, TemporaryAccessPassPolicy } from './types';

export type { LogEntry } from './requestLog';
export type { ManagedDeviceActionView, SettableActionState, TemporaryAccessPassPolicyChange } from './controls';
export type { MobileSyncResult } from './exchange/mobileDevices';
export type { FamilyBudgets, LostAnswerFaults, ThrottleFamily } from './faults';
export type { AppGrants, StateDump } from './state';
import type { StateDump } from './state';

export interface SimulatorOptions {
  /** 0 / undefined → a free port; always binds 127.0.0.1. */
  port?: number;
  /** Default: the bundled seed data file. */
  seedFile?: string;
  /** Added to every request. */
  latencyMs?: number;
  /** 0..1 probability of a fault answer (429 carries Retry-After, seconds). */
  rate429?: number;
  rate503?: number;
  /** Graph-style throttling of writes → 429 + Retry-After. */
  writeBudget?: { writes: number; windowMs: number };
  /** Budgets per service family (identityWrites, intuneWrites, outlook, exchange…) → 429 + Retry-After. */
  familyBudgets?: FamilyBudgets;
  /** Set-Mailbox -Type Shared becomes visible in Get-Mailbox after this (default 2000 ms). */
  mailboxConversionDelayMs?: number;
  /** Injectable for deterministic fault tests. */
  random?: () => number;
  /** What the simulated app holds beyond the deployment guide's default grants (default: nothing more). */
  appGrants?: Partial<AppGrants>;
}

/** Start-up fault options, plus the lost-answer counters (next N applied requests whose answer is lost). */
type FaultOptions = Partial<Pick<SimulatorOptions, 'latencyMs' | 'rate429' | 'rate503' | 'writeBudget' | 'familyBudgets' | 'mailboxConversionDelayMs'> & LostAnswerFaults>;

export interface SimulatedTenant {
  /** http://127.0.0.1:PORT */
  url: string;
  /** == url; requests go to `${graphBaseUrl}/v1.0/...` */
  graphBaseUrl: string;
  /** == url; cmdlets go to `${exchangeBaseUrl}/adminapi/beta/${tenantId}/InvokeCommand` */
  exchangeBaseUrl: string;
  tenantId: string;
  groups: { operatorsGroupId: string; approversGroupId: string; protectedGroupId: string };
  /** The manifest id (externalId) of the bot's app in the org catalog. */
  teamsAppId: string;
  /** Well-known user object ids by role. */
  personas: Record<string, string>;
  setFaults(f: FaultOptions): void;
  /** time, method, path, query, body, status, requestId — plus service, batch, cmdlet and fault (see LogEntry). */
  requestLog(): LogEntry[];
  /** A JSON-serialisable dump. */
  state(): StateDump;
  /** Back to the seed, the start-up fault settings and app grants, log cleared. */
  reset(): void;
  /**
   * Grants the simulated app more (or less) than the guide's defaults: RoleManagement.ReadWrite.Directory (members of
   * role-assignable groups), the Privileged Authentication Administrator role (admins' and role-assignable groups'
   * members' accounts). Without them the tenant answers 403 as Graph does.
   */
  setAppGrants(grants: Partial<AppGrants>): void;
  /** Test-only: the next `count` password resets answer 403 Authorization_RequestDenied (a failed reset). */
  failNextPasswordResets(count: number): void;
  /**
   * Test-only: every raw secret value the tenant received (reset passwords, Authorization headers), unmasked, unlike
   * requestLog(). The secret scan looks for these in everything the bot writes.
   */
  receivedSecrets(): string[];
  /** An Intune device checks in: its pending / active actions become done (managementState wipeIssued / retireIssued). */
  checkInManagedDevice(id: string): ManagedDeviceActionView;
  /** The device's latest wipe / retire ends in this actionState, with the matching managementState. */
  setDeviceActionState(id: string, actionState: SettableActionState): ManagedDeviceActionView;
  /** Intune drops the device: GET /deviceManagement/managedDevices/{id} then answers 404. */
  removeManagedDevice(id: string): void;
  /** A mobile partnership (Guid, DeviceId or Identity) syncs: pending Clear-MobileDevice requests are sent / acknowledged. */
  syncMobileDevice(identity: string): MobileSyncResult;
  /**
   * Test-only: the tenant changes on its own, as it does between an approval and the effective time (a new group
   * membership, an enrolled device, an MFA method, an admin role...). `change` edits the live data; nothing is logged.
   */
  editTenant(change: (data: SeedTenant) => void): void;
  /**
   * Test-only: an admin changes the Temporary Access Pass policy (state, include / exclude targets, lifetimes,
   * isUsableOnce, defaultLength), checked as Graph checks the policy. Returns the whole policy. Also
   * `PATCH /_simulator/policies/temporaryAccessPass`.
   */
  setTemporaryAccessPassPolicy(change: TemporaryAccessPassPolicyChange): TemporaryAccessPassPolicy;
  /** Test-only: the tenant's clock jumps forward (deleted users age past 30 days, passes expire). Also `POST /_simulator/clock {"advanceMs"}`. */
  advanceClock(ms: number): void;
  /** Test-only: every Temporary Access Pass the tenant issued: the secret scan looks for these too. */
  issuedSecrets(): string[];
  close(): Promise<void>;
}

export const DEFAULT_MAILBOX_CONVERSION_DELAY_MS = 2000;

export async function startSimulatedTenant(options: SimulatorOptions = {}): Promise<SimulatedTenant> {
  const seed = loadSeed(options.seedFile);
  let url = '';
  const info = (): unknown => ({
    url,
    graphBaseUrl: url,
    exchangeBaseUrl: url,
    tenantId: seed.tenant.id,
    tenantDomain: seed.tenant.verifiedDomains[0],
    groups: seed.groupSettings,
    teamsAppId: seed.teamsAppExternalId,
    personas: seed.personas,
  });
  const core = new SimulatorCore(
    seed,
    {
      latencyMs: options.latencyMs ?? 0,
      rate429: options.rate429 ?? 0,
      rate503: options.rate503 ?? 0,
      writeBudget: options.writeBudget,
      familyBudgets: options.familyBudgets,
      mailboxConversionDelayMs: options.mailboxConversionDelayMs ?? DEFAULT_MAILBOX_CONVERSION_DELAY_MS,
      ...NO_LOST_ANSWERS,
    },
    options.random ?? Math.random,
    info,
  );
  // Validates the options (throws RangeError on nonsense such as rate429: 2).
  core.faults.update({ latencyMs: options.latencyMs, rate429: options.rate429, rate503: options.rate503, mailboxConversionDelayMs: options.mailboxConversionDelayMs, ...(options.familyBudgets ? { familyBudgets: options.familyBudgets } : {}) });
  const initialGrants: AppGrants = { ...DEFAULT_APP_GRANTS, ...options.appGrants };
  core.state.appGrants = { ...initialGrants };
  const server: Server = createServer((req, res) => {
    void core.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    graphBaseUrl: url,
    exchangeBaseUrl: url,
    tenantId: seed.tenant.id,
    groups: { ...seed.groupSettings },
    teamsAppId: seed.teamsAppExternalId,
    personas: { ...seed.personas },
    setFaults: (f) => core.faults.update(f),
    requestLog: () => core.log.all(),
    state: () => core.state.dump(),
    reset: () => {
      core.reset();
      core.state.appGrants = { ...initialGrants };
    },
    setAppGrants: (grants) => {
      core.state.appGrants = { ...core.state.appGrants, ...grants };
    },
    failNextPasswordResets: (count) => {
      core.state.failPasswordResets = count;
    },
    receivedSecrets: () => core.log.receivedSecrets(),
    checkInManagedDevice: (id) => checkInManagedDevice(core.state, id),
    setDeviceActionState: (id, actionState) => setDeviceActionState(core.state, id, actionState),
    removeManagedDevice: (id) => removeManagedDevice(core.state, id),
    syncMobileDevice: (identity) => syncMobile(core.state, identity),
    setTemporaryAccessPassPolicy: (change) => setTemporaryAccessPassPolicy(core.state, change),
    advanceClock: (ms) => {
      advanceClock(core.state, ms);
    },
    issuedSecrets: () => [...core.state.issuedSecrets],
    editTenant: (change) => {
      change(core.state.data);
      core.state.reindex();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
