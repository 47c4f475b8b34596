// `status <id>` reads again what Microsoft 365 accepted but had not carried out when the run ended (a wipe waits for
// the device to check in): each 'requested' target is settled from the service's record, as after a crash, and its
// step's state follows. Read-only towards Microsoft 365; nothing is sent.
import type { Logger } from '../logger';
import type { ExchangePort, GraphPort } from '../m365/ports';
import type { Store, Versioned } from '../store/store';
import { outcome, type RunView } from './executor';
import { COLLECTIONS, itemDocId, stepDocId, type ItemRecord, type RunRecord, type StepState } from './run';
import { ONE_SHOT_ACTIONS, ONE_SHOT_STEPS } from './steps';

export interface RecheckDeps {
  store: Store;
  graph: GraphPort;
  exchange: ExchangePort;
  logger?: Logger;
}

/** Re-reads every requested target of an ended run; returns whether anything changed. */
export async function recheckRequested(deps: RecheckDeps, view: RunView): Promise<boolean> {
  if (view.run.status === 'running') {
    return false; // the run itself settles what it sends
  }
  let changed = false;
  for (const kind of ONE_SHOT_STEPS) {
    const state = view.steps.find((s) => s.kind === kind);
    if (!state?.counts.requested) {
      continue;
    }
    const prefix = `${view.run.id}/${kind}/`;
    const items = new Map((await deps.store.list<ItemRecord>(COLLECTIONS.items, prefix)).map((d) => [d.id.slice(prefix.length), d] as [string, Versioned<ItemRecord>]));
    const action = ONE_SHOT_ACTIONS[kind](deps, view.run.people);
    const targets = view.run.plan.steps.find((s) => s.kind === kind)?.targets ?? [];
    let stepChanged = false;
    for (const [targetId, doc] of items) {
      if (doc.value.status !== 'requested') {
        continue;
      }
      // Targets read at run time are not in the plan: the ledger keeps their facts (e.g. an Outlook partnership).
      const target = targets.find((t) => t.id === targetId) ?? { id: targetId, label: doc.value.label, ...(doc.value.data ? { data: doc.value.data } : {}) };
      const settled = await action.settle(target, doc.value.sentAt ?? doc.value.at).catch((err: unknown) => {
        deps.logger?.warn({ err, runId: view.run.id, kind, targetId }, 'could not read the state of a requested action');
        return undefined;
      });
      if (!settled || settled.state === 'requested' || settled.state === 'absent') {
        continue; // still under way (or unreadable right now): it stays requested, never assumed
      }
      // Accepted before, gone now: where the service drops a device once its action is carried out, that is done.
      const outcome = settled.state === 'failed' && settled.gone && action.goneAfterAccepted ? { state: 'done' as const, detail: action.goneAfterAccepted } : settled;
      const { followUp: _stale, error: _old, ...kept } = doc.value;
      const value: ItemRecord = {
        ...kept,
        status: outcome.state,
        detail: outcome.detail,
        at: new Date().toISOString(),
        ...(outcome.state === 'failed' ? { followUp: outcome.followUp, ...(outcome.error ? { error: outcome.error.toJSON() } : {}) } : {}),
      };
      const etag = await deps.store.put(COLLECTIONS.items, itemDocId(view.run.id, kind, targetId), value, doc.etag);
      items.set(targetId, { ...doc, value, etag });
      stepChanged = true;
    }
    if (stepChanged) {
      changed = true;
      const step = await deps.store.get<StepState>(COLLECTIONS.steps, stepDocId(view.run.id, kind));
      if (step) {
        // The step's follow-ups are its targets' follow-ups now (one settled fine no longer asks IT for anything).
        await deps.store.put(COLLECTIONS.steps, step.id, { ...step.value, followUps: undefined, ...outcome(items) }, step.etag);
      }
    }
  }
  if (changed && view.run.status === 'completed') {
    const steps = await deps.store.list<StepState>(COLLECTIONS.steps, `${view.run.id}/`);
    const run = await deps.store.get<RunRecord>(COLLECTIONS.runs, view.run.id);
    if (run && steps.some((s) => s.value.status === 'failed')) {
      await deps.store.put(COLLECTIONS.runs, run.id, { ...run.value, status: 'completed-with-failures' }, run.etag);
    }
  }
  return changed;
}
