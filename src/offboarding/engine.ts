// The engine's front door: a read-only preview (preflight + plan) before approval, and the run after it.
import type { Logger } from '../logger';
import { Limiter } from '../m365/limiter';
import type { ExchangePort, GraphPort } from '../m365/ports';
import type { Leases } from '../store/leases';
import type { Store } from '../store/store';
import { Audit } from './audit';
import { Executor, type ProgressEvent, type RunView } from './executor';
import type { OffboardingOptions } from './options';
import type { Plan } from './plan';
import { planOffboarding } from './planner';
import { takeSnapshot } from './preflight';
import { recheckRequested } from './recheck';
import type { RunPeople } from './run';
import type { Snapshot } from './snapshot';
import type { HeldPass, PassVault } from './reinstate/pass-vault';
import { readOutcome, takeReinstateSnapshot } from './reinstate/preflight';
import type { OffboardingOutcome, ReinstateSnapshot } from './reinstate/snapshot';
import type { OffboardingRequest } from './requests';
import { issueTemporaryAccessPass } from './steps/reinstate';
import type { EngineSettings } from './steps';

export interface Preview {
  snapshot: Snapshot;
  plan: Plan;
}

export interface EngineDeps {
  graph: GraphPort;
  exchange: ExchangePort;
  store: Store;
  audit?: Audit;
  logger?: Logger;
  settings?: Partial<EngineSettings>;
  onProgress?: (event: ProgressEvent) => void;
  /** Where a reinstatement's Temporary Access Pass waits for the requester's click (memory only). */
  passes?: PassVault;
  /** MAX_CONCURRENT_RUNS: runs past containment at once (the executor's run slots; containment never waits). */
  maxConcurrentRuns?: number;
  /** Run ownership by lease, with fencing, when several instances share the store (executor.ts ExecutorDeps.leases). */
  leases?: Leases;
}

export class OffboardingEngine {
  readonly executor: Executor;
  readonly audit: Audit;

  constructor(private readonly deps: EngineDeps) {
    this.audit = deps.audit ?? new Audit(deps.store, deps.logger);
    const { maxConcurrentRuns, ...rest } = deps;
    this.executor = new Executor({
      ...rest,
      audit: this.audit,
      // Containment's own slots: twice the runs' (at least 100), enough to use the identity-write budget.
      ...(maxConcurrentRuns ? { runSlots: new Limiter(maxConcurrentRuns), containmentSlots: new Limiter(Math.max(100, 2 * maxConcurrentRuns)) } : {}),
    });
  }

  /** Read-only: nothing is written to Microsoft 365. Throws PreflightError for an unknown leaver or inheritor. */
  /**
   * `coLeavers`: the other leavers of the leaver's batch (batch/). A group whose other owners all leave with them
   * counts as owned alone: it is handed over first, since the batch's runs may remove its last owner at the same time.
   */
  async preview(leaverId: string, inheritorId: string, options: OffboardingOptions, coLeavers: readonly string[] = []): Promise<Preview> {
    const snapshot = await takeSnapshot(this.deps, leaverId, inheritorId);
    return { snapshot, plan: planOffboarding(withoutCoLeavers(snapshot, coLeavers), options) };
  }

  /** A reinstatement's read-only look at the person now (reinstate/preflight.ts). */
  reinstateSnapshot(person: { id: string; userPrincipalName: string }, now: Date): Promise<ReinstateSnapshot> {
    return takeReinstateSnapshot(this.deps, person, now);
  }

  /** The offboarding's run as stored, to plan its reinstatement from. */
  offboardingOutcome(request: OffboardingRequest): Promise<OffboardingOutcome> {
    return readOutcome(this.deps.store, request);
  }

  /** A new Temporary Access Pass (any earlier one is deleted first): the requester's pass was lost in a restart. */
  issuePass(userId: string, params: { lifetimeInMinutes: number; isUsableOnce: boolean }): Promise<HeldPass> {
    return issueTemporaryAccessPass(this.deps.graph, userId, params);
  }

  /** The run as it stands, with the actions Microsoft 365 accepted but had not finished read again (reads only). */
  async currentView(runId: string): Promise<RunView> {
    const view = await this.executor.view(runId);
    return (await recheckRequested(this.deps, view)) ? this.executor.view(runId) : view;
  }

  /** Runs an approved plan to its end (a refused plan never gets here: callers check `plan.refusals`). */
  execute(requestId: string, preview: Preview, runId = requestId): Promise<RunView> {
    if (preview.plan.refusals.length > 0) {
      return Promise.reject(new Error(`the plan is refused: ${preview.plan.refusals.join(' ')}`));
    }
    return this.executor.start({ runId, requestId, plan: preview.plan, people: peopleOf(preview.snapshot) });
  }
}

export function peopleOf(snapshot: Snapshot): RunPeople {
  const { leaver, inheritor } = snapshot;
  const strip = ({ id, displayName, userPrincipalName, mail, accountEnabled }: RunPeople['leaver']) => ({ id, displayName, userPrincipalName, mail, accountEnabled });
  return {
    leaver: strip(leaver),
    inheritor: strip(inheritor),
    ...(leaver.manager?.accountEnabled ? { manager: strip(leaver.manager) } : {}),
  };
}

/** The plan's view of owned groups when `coLeavers` leave too: only the owners who stay count (the leaver included). */
function withoutCoLeavers(snapshot: Snapshot, coLeavers: readonly string[]): Snapshot {
  const leaving = new Set(coLeavers.filter((id) => id !== snapshot.leaver.id));
  const owned = snapshot.leaver.ownedGroups;
  if (leaving.size === 0 || !owned) {
    return snapshot;
  }
  const ownedGroups = owned.map((g) => (g.ownerIds ? { ...g, ownerCount: g.ownerIds.filter((id) => !leaving.has(id)).length } : g));
  return { ...snapshot, leaver: { ...snapshot.leaver, ownedGroups } };
}
