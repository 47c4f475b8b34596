// Batches (issue 15) for Teams-layer tests: a batch record with `n` resolved leavers (a few without a preset inheritor:
// their manager leaves too) and entries left out, and its requests decided or waiting.
import type { Batch, BatchRow } from '../../src/offboarding/batch/batch';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { sampleRequest } from './sample-request';

const uuid = (i: number, prefix = '0000'): string => `${prefix}${String(i).padStart(4, '0')}-1111-4222-8333-${String(i).padStart(12, '0')}`;
const person = (i: number, name: string) => ({ id: uuid(i, name === 'Manager' ? '0001' : '0000'), displayName: `${name} ${i}`, userPrincipalName: `${name.toLowerCase()}${i}@contoso.com`, accountEnabled: true });

export function sampleBatch(n: number, over: Partial<Batch> = {}): Batch {
  const rows = Array.from({ length: n }, (_, i): BatchRow => {
    const managerInBatch = i % 40 === 39;
    const manager = person(i % 7, 'Manager');
    return {
      leaver: person(i, 'Leaver'),
      line: i + 2,
      manager,
      managerInBatch,
      ...(managerInBatch ? {} : { inheritor: i % 3 === 0 ? person(i + 1000, 'Heir') : manager }),
      ...(i % 5 === 0 ? { effectiveAt: '2026-12-18T16:00:00.000Z' } : {}),
    };
  });
  return {
    id: 'BAT-7K3Q9P',
    status: 'draft',
    requester: { id: 'isaac', displayName: 'Isaac Ito' },
    createdAt: '2026-11-27T10:00:00.000Z',
    where: { kind: 'personal' },
    teams: {},
    timeZone: 'Europe/London',
    source: 'csv',
    rows,
    leftOut: [
      { entry: 'J Doe', line: 3, reason: 'ambiguous', detail: '3 people match: type the UPN.' },
      { entry: 'victor.hale@contoso.com', line: 9, reason: 'protected', detail: 'Victor Hale is in the protected group.' },
      { entry: 'nobody@contoso.com', reason: 'unknown', detail: "No user matches 'nobody@contoso.com'." },
    ],
    ...over,
  };
}

/** A submitted batch's requests for one approver: every third decided (approved, then rejected), the rest waiting. */
export function sampleBatchRequests(n: number): { batch: Batch; requests: OffboardingRequest[] } {
  const requests = Array.from({ length: n }, (_, i) => {
    const id = `OFB-T${String(i).padStart(5, '0')}`;
    const status = i % 3 === 1 ? 'approved' : i % 3 === 2 ? 'rejected' : 'requested';
    return sampleRequest({
      id,
      batchId: 'BAT-7K3Q9P',
      status,
      leaver: { ...person(i, 'Leaver') },
      ...(status === 'requested' ? {} : { decision: { outcome: status, by: { id: 'ben', displayName: 'Ben Carter' }, at: '2026-11-27T12:00:00.000Z', ...(i % 2 ? { comment: 'ok' } : {}) } }),
    });
  });
  const batch = sampleBatch(n, {
    status: 'submitted',
    submittedAt: '2026-11-27T10:05:00.000Z',
    requestIds: requests.map((r) => r.id),
    approvals: [{ id: 'A1', approverId: 'ben', approverName: 'Ben Carter', requestIds: requests.map((r) => r.id) }],
  });
  return { batch, requests };
}
