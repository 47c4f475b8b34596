// Which licence to keep, and which to remove. Pure; used by the planner and again by the licence steps when they
// run (they re-read the licences, so a crash in between never removes the wrong one).
import type { LicenceInfo } from './snapshot';

export interface LicenceDecision {
  /** The one licence kept because the mailbox needs Exchange Online (Plan 2); undefined when none is needed or none carries it. */
  keep?: LicenceInfo;
  /** Direct licences to remove with assignLicense. */
  removeDirect: LicenceInfo[];
  /** Licence-assigning groups to leave (a group licence can't be removed from the user directly). */
  leaveGroups: Array<{ groupId: string; groupName?: string; skus: string[] }>;
  /** A licence carrying Plan 2 was needed and none was found. */
  plan2Missing: boolean;
}

export function licenceLabel(l: LicenceInfo): string {
  return l.skuPartNumber ?? l.skuId;
}

/**
 * Keep one licence carrying Exchange Online (Plan 2) when the kept mailbox needs it — a direct one if there is one
 * (leaving a group has other effects), else the group that assigns it — and remove everything else.
 */
export function decideLicences(licences: LicenceInfo[], needsPlan2: boolean): LicenceDecision {
  const carriers = licences.filter((l) => l.carriesExchangePlan2);
  const keep = needsPlan2 ? (carriers.find((l) => l.source === 'direct') ?? carriers[0]) : undefined;
  const keptGroup = keep?.source === 'group' ? keep.groupId : undefined;

  const removeDirect = licences.filter((l) => l.source === 'direct' && l !== keep);
  const groups = new Map<string, { groupId: string; groupName?: string; skus: string[] }>();
  for (const l of licences) {
    if (l.source !== 'group' || l.groupId === undefined || l.groupId === keptGroup) {
      continue;
    }
    const entry = groups.get(l.groupId) ?? { groupId: l.groupId, groupName: l.groupName, skus: [] };
    entry.skus.push(licenceLabel(l));
    groups.set(l.groupId, entry);
  }
  return { keep, removeDirect, leaveGroups: [...groups.values()], plan2Missing: needsPlan2 && keep === undefined };
}
