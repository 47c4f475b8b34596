// Who approves an offboarding: the rule used at submit and again when a scheduled request needs a new decision
// (scheduled-start.ts). The leaver's manager, unless missing, disabled, the requester or the leaver; then the
// approvers group stands in (up to MAX_APPROVERS active members, never the requester or the leaver).
import type { Directory, DirectoryUser } from './directory';
import type { Actor, Approver } from './requests';
import type { LeaverSnapshot } from './snapshot';

/** The approvers group stands in for a missing manager: at most this many get the card; the first decision wins. */
export const MAX_APPROVERS = 10;

/**
 * A batch's leavers (batch/): a manager leaving in the same batch does not approve (the approvers group does), and no
 * leaver of the batch approves from the approvers group. Absent for a single offboarding.
 */
export interface ApproverRule {
  batchLeavers: readonly string[];
}

export async function approversFor(directory: Directory, approversGroupId: string, leaver: Pick<LeaverSnapshot, 'id' | 'displayName' | 'manager'>, requester: Actor, rule?: ApproverRule): Promise<{ list: Approver[]; note?: string }> {
  const m = leaver.manager;
  const leaving = new Set(rule?.batchLeavers ?? []);
  let note: string | undefined;
  if (!m) {
    note = `${leaver.displayName} has no manager in Entra ID`;
  } else if (!m.accountEnabled) {
    note = `${leaver.displayName}'s manager, ${m.displayName}, is disabled`;
  } else if (m.id === requester.id) {
    note = `you (${m.displayName}) are ${leaver.displayName}'s manager and asked for it`;
  } else if (m.id === leaver.id) {
    note = `${leaver.displayName} is listed as their own manager`;
  } else if (leaving.has(m.id)) {
    note = `${leaver.displayName}'s manager, ${m.displayName}, is leaving in the same batch`;
  } else {
    return { list: [{ id: m.id, displayName: m.displayName, role: 'manager' }] };
  }
  const eligible = (u: DirectoryUser) => u.accountEnabled && u.id !== requester.id && u.id !== leaver.id && !leaving.has(u.id);
  const members = await directory.groupUsers(approversGroupId, MAX_APPROVERS, eligible);
  const list = members.map((u): Approver => ({ id: u.id, displayName: u.displayName, role: 'approvers-group' }));
  return { list, note };
}
