// One step as the executor runs it, outside a run: a StepContext over given gateways, with its ledger in a map (pass
// one in to act as a resumed run). For tests of a single step against the simulated tenant.
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import type { PlannedStep, Target } from '../../src/offboarding/plan';
import type { ItemRecord, RunPeople } from '../../src/offboarding/run';
import { DEFAULT_ENGINE_SETTINGS, type StepContext } from '../../src/offboarding/steps/context';

export function stepContext(input: { step: PlannedStep; people: RunPeople; graph: GraphPort; exchange: ExchangePort; records?: Map<string, ItemRecord> }): { ctx: StepContext; records: Map<string, ItemRecord> } {
  const records = input.records ?? new Map<string, ItemRecord>();
  const ctx = {
    runId: 'run-1',
    step: input.step,
    people: input.people,
    graph: input.graph,
    exchange: input.exchange,
    settings: DEFAULT_ENGINE_SETTINGS,
    sleep: () => Promise.resolve(),
    now: () => Date.now(),
    newPassword: () => 'unused',
    ledger: {
      previous: (id: string) => records.get(id),
      record: (t: Target, r: Omit<ItemRecord, 'label' | 'at'>) => {
        records.set(t.id, { ...r, label: t.label, at: new Date().toISOString() });
        return Promise.resolve();
      },
    },
  } as unknown as StepContext;
  return { ctx, records };
}
