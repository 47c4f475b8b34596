// The leaver's licences with where each comes from, read from licenseAssignmentStates (user resource type: one entry
// per assignment path, `assignedByGroup` null for a direct one) and the tenant's subscribedSkus for the service plans.
import { EXCHANGE_PLAN2_SERVICE_PLAN_ID } from '../plan';
import type { GroupInfo, LicenceInfo } from '../snapshot';

export interface RawLicenceState {
  skuId: string;
  disabledPlans?: string[] | null;
  assignedByGroup?: string | null;
  state?: string | null;
}

export interface RawSku {
  skuId: string;
  skuPartNumber?: string | null;
  servicePlans?: Array<{ servicePlanId: string; servicePlanName?: string | null }> | null;
}

/**
 * Service plans that give an Exchange Online mailbox ("Product names and service plan identifiers for licensing").
 * EXCHANGE_S_FOUNDATION (in Power BI, Visio, …) and the archiving add-ons start with EXCHANGE_S_ but host no mailbox:
 * counting them would keep a licence that can't keep the mailbox.
 */
export function isMailboxPlan(name: string): boolean {
  return /^EXCHANGE_S_/.test(name) && !/^EXCHANGE_S_(FOUNDATION|ARCHIVE)/.test(name);
}

/** A licence in these states grants nothing (licenseAssignmentState.state: Active, ActiveWithError, Disabled, Error). */
const INACTIVE = new Set(['Disabled', 'Error']);

export interface LicenceRead {
  licences: LicenceInfo[];
  licenceGroupIds: string[];
}

/** `states` falls back to assignedLicenses (all direct) when licenseAssignmentStates was not returned. */
export function readLicences(states: RawLicenceState[], skus: RawSku[], groups: GroupInfo[] | undefined): LicenceRead {
  const skuById = new Map(skus.map((s) => [s.skuId.toLowerCase(), s]));
  const groupName = new Map((groups ?? []).map((g) => [g.id, g.displayName]));
  const seen = new Set<string>();
  const licences: LicenceInfo[] = [];
  for (const s of states) {
    const groupId = s.assignedByGroup ?? undefined;
    const key = `${s.skuId.toLowerCase()}|${groupId ?? ''}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    const sku = skuById.get(s.skuId.toLowerCase());
    const disabled = new Set((s.disabledPlans ?? []).map((p) => p.toLowerCase()));
    const active = !INACTIVE.has(s.state ?? 'Active');
    const plans = (sku?.servicePlans ?? []).filter((p) => !disabled.has(p.servicePlanId.toLowerCase()));
    const name = groupId === undefined ? undefined : groupName.get(groupId);
    licences.push({
      skuId: s.skuId,
      ...(sku?.skuPartNumber ? { skuPartNumber: sku.skuPartNumber } : {}),
      source: groupId === undefined ? 'direct' : 'group',
      ...(groupId !== undefined ? { groupId } : {}),
      ...(name !== undefined ? { groupName: name } : {}),
      carriesExchangePlan2: active && plans.some((p) => p.servicePlanId.toLowerCase() === EXCHANGE_PLAN2_SERVICE_PLAN_ID),
      carriesExchange: active && plans.some((p) => isMailboxPlan(p.servicePlanName ?? '')),
      ...(s.disabledPlans?.length ? { disabledPlans: s.disabledPlans } : {}),
    });
  }
  const licenceGroupIds = [...new Set(licences.flatMap((l) => (l.groupId === undefined ? [] : [l.groupId])))];
  return { licences, licenceGroupIds };
}
