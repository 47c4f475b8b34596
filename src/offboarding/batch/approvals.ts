// A batch's approval cards, as pure grouping: every approver of every request gets one card covering all of their
// leavers (in row order), split into cards of at most MAX_LEAVERS_PER_APPROVAL. A request with several approvers (the
// approvers group standing in) is on each of their cards; the first decision wins, as for a single request.
import type { OffboardingRequest } from '../requests';
import { MAX_LEAVERS_PER_APPROVAL, type BatchApproval } from './batch';

export function groupApprovals(requests: ReadonlyArray<Pick<OffboardingRequest, 'id' | 'approvers'>>, perCard = MAX_LEAVERS_PER_APPROVAL): BatchApproval[] {
  const byApprover = new Map<string, { name: string; requestIds: string[] }>();
  for (const r of requests) {
    for (const a of r.approvers) {
      const bucket = byApprover.get(a.id) ?? { name: a.displayName, requestIds: [] };
      if (!bucket.requestIds.includes(r.id)) {
        bucket.requestIds.push(r.id);
      }
      byApprover.set(a.id, bucket);
    }
  }
  const approvals: BatchApproval[] = [];
  for (const [approverId, { name, requestIds }] of byApprover) {
    for (let i = 0; i < requestIds.length; i += perCard) {
      approvals.push({ id: `A${approvals.length + 1}`, approverId, approverName: name, requestIds: requestIds.slice(i, i + perCard) });
    }
  }
  return approvals;
}
