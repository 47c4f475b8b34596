// The shortest time a plan can take: the longest chain of round trips through its dependencies. The benchmark
// compares the measured run against it (dependency levels × latency), and the executor gives the steps on that
// chain priority for the gateways' request slots.
import type { Plan, StepKind } from './plan';

function finishes(plan: Plan): Map<StepKind, number> {
  const finish = new Map<StepKind, number>();
  for (const step of plan.steps) {
    const start = Math.max(0, ...step.dependsOn.map((d) => finish.get(d) ?? 0));
    finish.set(step.kind, start + (step.skip === undefined ? step.rounds : 0));
  }
  return finish;
}

/** Round trips on the longest dependency chain; skipped steps take none. Steps are in topological order. */
export function criticalPathRounds(plan: Plan): number {
  return Math.max(0, ...finishes(plan).values());
}

/** The steps on a longest chain: any delay to one of them delays the whole run. */
export function criticalSteps(plan: Plan): Set<StepKind> {
  const finish = finishes(plan);
  const byKind = new Map(plan.steps.map((s) => [s.kind, s]));
  const critical = new Set<StepKind>();
  const total = criticalPathRounds(plan);
  let frontier = plan.steps.filter((s) => s.skip === undefined && finish.get(s.kind) === total).map((s) => s.kind);
  while (frontier.length > 0) {
    const next: StepKind[] = [];
    for (const kind of frontier) {
      if (critical.has(kind)) {
        continue;
      }
      critical.add(kind);
      const step = byKind.get(kind)!;
      const start = finish.get(kind)! - (step.skip === undefined ? step.rounds : 0);
      next.push(...step.dependsOn.filter((d) => finish.get(d) === start && byKind.get(d)!.skip === undefined));
    }
    frontier = next;
  }
  return critical;
}
