// A batch's approval cards (issue 15, *Bulk*): one card per approver covering all of their leavers in the batch (at most
// MAX_LEAVERS_PER_APPROVAL per card, more split across cards), with action data { batchId, approvalId } and a toggle
// include.<requestId> per leaver. Delivered like a single request's card (notifier.ts deliverCard: 1:1 chat, installing
// the app, else the thread with a mention), its reference saved on every request it covers, so housekeeping's
// redelivery (approversWithoutCard, deliver) and the decision's card updates work per request as for a single one.
import { MessageFactory } from 'botbuilder';
import type { Logger } from '../logger';
import type { Batch, BatchApproval } from '../offboarding/batch/batch';
import type { DeliveryOutcome } from '../offboarding/housekeeping';
import type { OffboardingRequest } from '../offboarding/requests';
import type { OffboardingService } from '../offboarding/service';
import { batchApprovalCard } from './batch-cards';
import type { ApprovalDelivery } from './notifier';
import type { Proactive } from './proactive';
import { asChannelData, currentApprovals, refsOf, type ApprovalCardRef, type TeamsRefs } from './refs';

export interface BatchApprovalsDeps {
  service: OffboardingService;
  proactive: Proactive;
  /** The notifier's delivery of one approval card to one approver (shared with single requests). */
  deliverCard: (d: ApprovalDelivery) => Promise<ApprovalCardRef | undefined>;
  logger?: Logger;
  /** Decisions within this window update each card once (100 decisions of one click → one update per card). */
  coalesceMs?: number;
}

export class BatchApprovals {
  /** Cards being delivered by this process ("batch/approval"): never two at once. */
  private readonly delivering = new Map<string, Promise<ApprovalCardRef | undefined>>();
  /** Card refreshes already due ("batch/approval"): a decision meanwhile is shown by that refresh. */
  private readonly due = new Set<string>();
  /** Reference saves per request, one after the other (a request is covered by one card per approver). */
  private readonly saving = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: BatchApprovalsDeps) {}

  /** After the submit: every approver's card(s), at once; the outcomes go back per request (service.approvalsDelivered). */
  async requested(batch: Batch, requests: OffboardingRequest[]): Promise<void> {
    const outcomes = new Map<string, Record<string, DeliveryOutcome>>();
    await Promise.all(
      (batch.approvals ?? []).map(async (approval) => {
        // A batch finished at start-up (TeamsNotifier.batchSubmitted): a card housekeeping already sent is not sent twice.
        const carded = approval.requestIds.every((id) => requests.find((r) => r.id === id && currentApprovals(r).some((a) => a.approverId === approval.approverId && a.batchApprovalId === approval.id)));
        const outcome = carded ? 'skipped' : await this.send(batch, approval, requests, false);
        for (const id of approval.requestIds) {
          outcomes.set(id, { ...outcomes.get(id), [approval.approverId]: outcome });
        }
      }),
    );
    for (const request of requests) {
      const outcome = outcomes.get(request.id);
      if (outcome) {
        await this.deps.service.approvalsDelivered(request, outcome).catch((err: unknown) => this.warn(err, request.id, 'approval delivery not recorded'));
      }
    }
  }

  /** Housekeeping's redelivery for one of a batch's requests: the card(s) of these approvers covering it. Never throws. */
  async deliver(request: OffboardingRequest, approverIds: string[], storedChatOnly = false): Promise<Record<string, DeliveryOutcome>> {
    const batch = await this.batchOf(request);
    const entries = await Promise.all(
      approverIds.map(async (approverId): Promise<[string, DeliveryOutcome]> => {
        const approval = batch?.approvals?.find((a) => a.approverId === approverId && a.requestIds.includes(request.id));
        if (!batch || !approval) {
          return [approverId, 'skipped'];
        }
        // Another request of the same card may have had it delivered since this one was found without it.
        const fresh = await this.deps.service.get(request.id).catch(() => undefined);
        if (fresh && currentApprovals(fresh).some((a) => a.approverId === approverId && (!storedChatOnly || a.where === '1:1'))) {
          return [approverId, 'skipped'];
        }
        const requests = await this.deps.service.batches.requests(batch).catch(() => [request]);
        return [approverId, await this.send(batch, approval, requests, storedChatOnly)];
      }),
    );
    return Object.fromEntries(entries);
  }

  /** A batch's request was decided (or cancelled, expired): its approval cards show it, coalesced per card. Never throws. */
  async decided(request: OffboardingRequest): Promise<void> {
    try {
      const batch = await this.batchOf(request);
      for (const approval of (batch?.approvals ?? []).filter((a) => a.requestIds.includes(request.id))) {
        this.refreshSoon(batch!.id, approval.id);
      }
    } catch (err) {
      this.warn(err, request.id, 'batch approval cards not updated');
    }
  }

  /** Re-renders the card from stored state for everyone who has it (the clicker got it as the invoke answer). */
  private refreshSoon(batchId: string, approvalId: string): void {
    const key = `${batchId}/${approvalId}`;
    if (this.due.has(key)) {
      return;
    }
    this.due.add(key);
    setTimeout(() => {
      this.due.delete(key);
      this.refresh(batchId, approvalId).catch((err: unknown) => this.warn(err, batchId, 'batch approval card not updated'));
    }, this.deps.coalesceMs ?? 300);
  }

  private async refresh(batchId: string, approvalId: string): Promise<void> {
    const batch = await this.deps.service.batches.get(batchId);
    const approval = batch?.approvals?.find((a) => a.id === approvalId);
    if (!batch || !approval) {
      return;
    }
    const requests = await this.deps.service.batches.requests(batch);
    const covered = requests.filter((r) => approval.requestIds.includes(r.id));
    const seen = new Set<string>();
    const cards = covered
      .flatMap((r) => refsOf(r).approvals ?? [])
      .filter((a) => a.batchApprovalId === approvalId && a.approverId === approval.approverId && !seen.has(a.activityId) && seen.add(a.activityId));
    const activity = MessageFactory.attachment(batchApprovalCard(batch, approval, requests));
    await Promise.all(cards.map((a) => this.deps.proactive.update(a.reference, a.activityId, activity).catch((err: unknown) => this.warn(err, batchId, 'batch approval card update failed'))));
  }

  /** One card to its approver; its reference saved on every request it covers. */
  private async send(batch: Batch, approval: BatchApproval, requests: OffboardingRequest[], storedChatOnly: boolean): Promise<DeliveryOutcome> {
    const key = `${batch.id}/${approval.id}`;
    if (this.delivering.has(key)) {
      return 'skipped';
    }
    const covered = requests.filter((r) => approval.requestIds.includes(r.id));
    const first = covered[0];
    if (!first) {
      return 'skipped';
    }
    const stillOpen = async (): Promise<boolean> => {
      const now = await Promise.all(approval.requestIds.map((id) => this.deps.service.get(id).catch(() => undefined)));
      return now.some((r) => r?.status === 'requested');
    };
    const delivery = this.deps.deliverCard({
      subject: batch.id,
      refs: refsOf(first),
      approverId: approval.approverId,
      approverName: approval.approverName,
      activity: MessageFactory.attachment(batchApprovalCard(batch, approval, requests)),
      threadText: `please approve or reject ${covered.length === 1 ? 'this offboarding' : `these ${covered.length} offboardings`} of ${batch.id} (I couldn't reach you in a 1:1 chat).`,
      stillOpen,
      // The thread shows every leaver on the card: each must be allowed there.
      mayGoToThread: async () => (await Promise.all(covered.map((r) => this.deps.service.approvalMayGoToThread(r)))).every(Boolean),
      storedChatOnly,
    });
    this.delivering.set(key, delivery);
    let ref: ApprovalCardRef | undefined;
    try {
      ref = await delivery;
    } catch (err) {
      this.warn(err, batch.id, 'batch approval card not delivered');
      return 'failed';
    } finally {
      this.delivering.delete(key);
    }
    if (!ref) {
      return 'skipped'; // decided meanwhile
    }
    const saved = { ...ref, batchApprovalId: approval.id };
    await Promise.all(approval.requestIds.map((id) => this.save(id, saved)));
    // A decision that came while the card was on its way did not update it: show the stored state now.
    const now = await Promise.all(covered.map((r) => this.deps.service.get(r.id).catch(() => undefined)));
    if (now.some((r, i) => r?.status !== covered[i]!.status)) {
      this.refreshSoon(batch.id, approval.id);
    }
    return 'delivered';
  }

  private save(requestId: string, ref: ApprovalCardRef): Promise<unknown> {
    const previous = this.saving.get(requestId) ?? Promise.resolve();
    const next = previous
      .then(() =>
        this.deps.service.annotate(requestId, (t) => {
          const current = t as unknown as TeamsRefs;
          return asChannelData({ ...current, approvals: [...(current.approvals ?? []), ref] });
        }),
      )
      .catch((err: unknown) => this.warn(err, requestId, 'batch approval card reference not saved'));
    this.saving.set(requestId, next);
    void next.finally(() => {
      if (this.saving.get(requestId) === next) {
        this.saving.delete(requestId);
      }
    });
    return next;
  }

  private async batchOf(request: OffboardingRequest): Promise<Batch | undefined> {
    return request.batchId ? this.deps.service.batches.get(request.batchId) : undefined;
  }

  private warn(err: unknown, subject: string, message: string): undefined {
    this.deps.logger?.warn({ err, subject }, message);
    return undefined;
  }
}
