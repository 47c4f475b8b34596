// Tells Teams what happened to a request: approval cards to the approvers (1:1, installing the app when needed,
// else in the thread with a mention; sent again by housekeeping when they never arrived), the requester told when
// nobody can be reached, decisions on every approval card, one progress card updated in place (at most about once a
// second), and the summary to SUMMARY_CHANNEL_ID with a short line in the thread.
import { MessageFactory, type Activity, type Attachment } from 'botbuilder';
import type { Logger } from '../logger';
import type { Batch } from '../offboarding/batch/batch';
import type { RunView } from '../offboarding/executor';
import type { DeliveryOutcome, RequesterNews } from '../offboarding/housekeeping';
import { isReinstatement, type OffboardingRequest } from '../offboarding/requests';
import type { OffboardingService, RequestNotifier } from '../offboarding/service';
import { renderApprovalCard, renderDecidedCard, renderPassReadyCard, renderPlanCard, renderProgressCard, renderSummaryCard } from './cards';
import { conversationKey } from './connector-governor';
import type { PersonalChats } from './personal-chats';
import { BatchApprovals } from './batch-approvals';
import { batchRefsOf, BatchProgress } from './batch-progress';
import { announceBatchSubmitted } from './batch-submitted';
import { connectorStatus, Proactive, type Posted } from './proactive';
import { VERBS } from './verbs';
import { asChannelData, currentApprovals, refsOf, type ApprovalCardRef, type TeamsRefs } from './refs';
import { approvalCardData, decidedCardData, outcomeLine, personZone, planCardData, progressCardData, summaryCardData, supersededCardData } from './view';
import { formatInZone } from './zoned-time';

export interface NotifierOptions {
  summaryChannelId?: string;
  /** The app's manifest id, to install it for an approver who lacks it. */
  teamsAppId?: string;
  logger?: Logger;
  /** How long to keep trying to reach an approver after installing the app (issue: up to 30 s). */
  installRetryMs?: number;
  /** Progress card updates at most this often per request. */
  progressIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Each user's 1:1 chat as the bot last heard from them: preferred to opening one by Entra id. */
  personalChats?: PersonalChats;
}

const card = (attachment: Attachment): Partial<Activity> => MessageFactory.attachment(attachment);

/** One approval card for one approver: a single request's, or a batch's covering several (batch-approvals.ts). */
export interface ApprovalDelivery {
  /** The request or batch id, for the logs. */
  subject: string;
  refs: TeamsRefs;
  approverId: string;
  approverName: string;
  activity: Partial<Activity>;
  /** The thread fallback's line after the approver's mention, e.g. "please approve or reject OFB-… (…)". */
  threadText: string;
  /** Something on the card still waits for a decision (checked again after an install, and before the thread). */
  stillOpen: () => Promise<boolean>;
  /** The thread where it was asked for may show the card (service.approvalMayGoToThread). */
  mayGoToThread: () => Promise<boolean>;
  /** Only the approver's stored 1:1 chat (no chat opened, no install, no thread): personalChatOpened. */
  storedChatOnly?: boolean;
}

/** Decisions that replace an earlier one on the cards (an approval can still be cancelled before its run). */
const SUPERSEDING = new Set(['cancelled', 'rejected', 'expired']);

interface Pending {
  timer?: NodeJS.Timeout;
  lastSentAt: number;
  sending: Promise<void>;
}

export class TeamsNotifier implements RequestNotifier {
  private readonly pending = new Map<string, Pending>();
  /** Progress cards posted by this process, by request id (until the run ends). */
  private readonly progressCards = new Map<string, string>();
  /** Progress cards being posted: a progress update that comes meanwhile waits for the post, never posts a second. */
  private readonly posting = new Map<string, Promise<string>>();
  /** The conversation of each run's progress card, by request id (until the run ends): its budget paces the updates. */
  private readonly threads = new Map<string, string>();
  /** Approval cards being delivered by this process ("request/approver"): never two at once for one approver. */
  private readonly delivering = new Set<string>();
  private readonly sleep: (ms: number) => Promise<void>;
  /** A batch's requests share one approval card per approver, one progress card and one summary (batch-*.ts). */
  readonly batchApprovals: BatchApprovals;
  readonly batchProgress: BatchProgress;

  constructor(
    private readonly proactive: Proactive,
    private readonly service: OffboardingService,
    private readonly options: NotifierOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.batchApprovals = new BatchApprovals({ service, proactive, deliverCard: (d) => this.deliverCard(d), logger: options.logger });
    this.batchProgress = new BatchProgress(proactive, service, options);
  }

  /**
   * After a submit: the plan preview in the thread, then the approval card to every approver at once (reaching one
   * may take 30 s); the outcome goes back to the service, which tells the requester at once if nobody was reached.
   * Cards that don't arrive are sent again by housekeeping (deliverApprovals).
   */
  async requested(request: OffboardingRequest): Promise<void> {
    const refs = refsOf(request);
    await this.proactive.send(refs.thread, card(renderPlanCard(planCardData(request)))).catch((err: unknown) => this.warn(err, request.id, 'plan preview post failed'));
    const outcomes = await this.deliverApprovals(request, request.approvers.map((a) => a.id));
    await this.service.approvalsDelivered(request, outcomes).catch((err: unknown) => this.warn(err, request.id, 'approval delivery not recorded'));
  }

  /**
   * A person's 1:1 chat with the bot became known (personal-chats.ts): the approval cards waiting for them that reached
   * only a thread (with a mention: no 1:1 chat could be opened then) go to that chat too, so they can decide where
   * they are; either card decides, and the decision updates both. Requests of other tenants, decided ones and those
   * whose card already reached them in a 1:1 chat are left alone. Never throws.
   */
  async personalChatOpened(tenantId: string, userId: string): Promise<void> {
    const all = await this.service.list().catch((err: unknown) => this.warn(err, '', 'could not list the requests'));
    const waiting = (all ?? []).filter(
      (r) => r.status === 'requested' && refsOf(r).tenantId === tenantId && r.approvers.some((a) => a.id === userId) && !currentApprovals(r).some((a) => a.approverId === userId && a.where === '1:1'),
    );
    for (const request of waiting) {
      const outcomes = await this.deliverApprovals(request, [userId], true);
      if (outcomes[userId] === 'delivered') {
        await this.service.approvalsDelivered(request, outcomes).catch((err: unknown) => this.warn(err, request.id, 'approval delivery not recorded'));
      }
    }
  }

  approversWithoutCard(request: OffboardingRequest): string[] {
    const carded = new Set(currentApprovals(request).map((a) => a.approverId));
    return request.approvers.map((a) => a.id).filter((id) => !carded.has(id));
  }

  /**
   * A scheduled request sent back for a new decision: the earlier approval cards say so (their references stay apart,
   * in an earlier round, so every approver counts as without a card for this one), then the new cards, naming what
   * changed, go out as after a submit. Never throws.
   */
  async reapprovalNeeded(request: OffboardingRequest): Promise<void> {
    if (request.batchId) {
      await this.batchApprovals.decided(request); // its row on the batch card: sent back for a new decision
    }
    const earlier = (refsOf(request).approvals ?? []).filter((a) => a.round !== request.reapproval?.at && !a.batchApprovalId);
    const superseded = card(renderDecidedCard(supersededCardData(request)));
    await Promise.all(earlier.map((a) => this.proactive.update(a.reference, a.activityId, superseded).catch((err: unknown) => this.warn(err, request.id, 'earlier approval card not updated'))));
    const outcomes = await this.deliverApprovals(request, request.approvers.map((a) => a.id));
    await this.service.approvalsDelivered(request, outcomes).catch((err: unknown) => this.warn(err, request.id, 'approval delivery not recorded'));
  }

  /**
   * The approval card to each of these approvers, at once. Each card's reference is stored as soon as it is sent, so
   * a decision that comes first updates it; a card sent after the decision is turned into the decided card right
   * away. Never throws: each approver's outcome is returned.
   */
  async deliverApprovals(request: OffboardingRequest, approverIds: string[], storedChatOnly = false): Promise<Record<string, DeliveryOutcome>> {
    // A batch's request is asked on its approver's batch card; a re-approval is asked per request, on a card of its own.
    if (request.batchId && !request.reapproval) {
      return this.batchApprovals.deliver(request, approverIds, storedChatOnly);
    }
    const refs = refsOf(request);
    const round = request.reapproval?.at;
    // Card references are saved one at a time: ten approvers answering together would otherwise race on the request.
    let saving: Promise<unknown> = Promise.resolve();
    const save = (ref: ApprovalCardRef) => {
      const saved = saving.then(() =>
        this.service.annotate(request.id, (t) => {
          const current = t as unknown as TeamsRefs;
          return asChannelData({ ...current, approvals: [...(current.approvals ?? []), ref] });
        }),
      );
      saving = saved.catch(() => undefined);
      return saved;
    };
    const one = async (approverId: string): Promise<DeliveryOutcome> => {
      const approver = request.approvers.find((a) => a.id === approverId);
      const key = `${request.id}/${approverId}`;
      if (!approver || this.delivering.has(key)) {
        return 'skipped';
      }
      this.delivering.add(key);
      try {
        return await this.sendApproval(request, refs, approver.id, approver.displayName, (ref) => save(round ? { ...ref, round } : ref), storedChatOnly);
      } catch (err) {
        this.warn(err, request.id, 'approval card not delivered');
        return 'failed';
      } finally {
        this.delivering.delete(key);
      }
    };
    return Object.fromEntries(await Promise.all(approverIds.map(async (id) => [id, await one(id)] as const)));
  }

  private async sendApproval(request: OffboardingRequest, refs: TeamsRefs, approverId: string, approverName: string, save: (ref: ApprovalCardRef) => Promise<OffboardingRequest | undefined>, storedChatOnly = false): Promise<DeliveryOutcome> {
    const ref = await this.deliverCard({
      subject: request.id,
      refs,
      approverId,
      approverName,
      activity: card(renderApprovalCard(approvalCardData(request))),
      threadText: `please approve or reject ${request.id} (I couldn't reach you in a 1:1 chat).`,
      stillOpen: () => this.stillOpen(request.id),
      mayGoToThread: () => this.service.approvalMayGoToThread(request),
      storedChatOnly,
    });
    if (!ref) {
      return 'skipped'; // decided meanwhile: nothing to ask any more
    }
    const stored = await save(ref).catch((err: unknown) => this.warn(err, request.id, 'approval card reference not saved'));
    if (!stored) {
      this.options.logger?.warn({ requestId: request.id, approverId }, 'the approval card reference could not be saved: a decision will not update that card');
    } else if (stored.status !== 'requested') {
      await this.proactive.update(ref.reference, ref.activityId, card(renderDecidedCard(decidedCardData(stored, approverId)))).catch((err: unknown) => this.warn(err, request.id, 'late approval card not updated after the decision'));
    }
    return 'delivered';
  }

  /**
   * To the requester about their request: withdrawn, nobody reachable (what happened, that the bot keeps trying, how
   * to cancel), or a card got through after all. In the thread with a mention; if that fails, in a 1:1 chat.
   */
  tellRequester(request: OffboardingRequest, news: RequesterNews): Promise<'thread' | '1:1' | undefined> {
    return this.toRequester(request, requesterNews(request, news));
  }

  /**
   * A reinstatement's Temporary Access Pass is waiting (the pass vault's onPut): the requester gets a "Show pass" card
   * in their 1:1 chat with the bot (the stored chat, else one opened by Entra id). The card never carries the pass:
   * the requester's click fetches it, and the invoke answer shows it to them alone (actions/show-pass.ts). When no
   * 1:1 chat can be reached, the same button card goes to the request's thread with an @mention (it holds no secret,
   * and only the requester's click shows the pass). Never throws.
   */
  async passReady(request: OffboardingRequest): Promise<void> {
    try {
      const refs = refsOf(request);
      const requester = request.requester;
      const activity = card(
        renderPassReadyCard({
          verb: VERBS.showPass,
          requestId: request.id,
          title: `A Temporary Access Pass for ${request.leaver.displayName} is ready`,
          text: `${request.id}: the pass is shown once, only to you, when you click Show pass. Give it to ${request.leaver.displayName} in person or by phone; it works once and expires within an hour.`,
        }),
      );
      try {
        await this.toPerson(request.id, refs, requester.id, activity);
        return;
      } catch (err) {
        this.options.logger?.warn({ err, status: connectorStatus(err), requestId: request.id }, 'could not reach the requester in a 1:1 chat: the Show pass card goes to the thread');
      }
      const mention = { type: 'mention', text: `<at>${requester.displayName}</at>`, mentioned: { id: requester.id, name: requester.displayName } };
      await this.proactive.send(refs.thread, { ...activity, text: `<at>${requester.displayName}</at>, the Temporary Access Pass for ${request.id} is ready (I couldn't reach you in a 1:1 chat).`, entities: [mention] });
    } catch (err) {
      this.warn(err, request.id, 'the Show pass card was not delivered');
    }
  }

  /**
   * One approval card to one approver (a single request's or a batch's): its reference, or undefined when nothing
   * waits any more. Throws when it could not be delivered.
   */
  deliverCard(d: ApprovalDelivery): Promise<ApprovalCardRef | undefined> {
    return d.storedChatOnly ? this.deliverToStoredChat(d) : this.deliverApproval(d);
  }

  /** The card in the approver's stored 1:1 chat only (no chat opened, no install, no thread): personalChatOpened. */
  private async deliverToStoredChat(d: ApprovalDelivery): Promise<ApprovalCardRef | undefined> {
    const known = await this.options.personalChats?.get(d.refs.tenantId, d.approverId);
    if (!known || !(await d.stillOpen())) {
      return undefined;
    }
    const activityId = await this.proactive.send(known, d.activity);
    return { approverId: d.approverId, reference: known, activityId, where: '1:1' };
  }

  /** 1:1 chat first; on 403 install the app through Graph and keep trying for up to 30 s; then the thread. */
  private async deliverApproval(d: ApprovalDelivery): Promise<ApprovalCardRef | undefined> {
    const { refs, approverId, approverName, activity } = d;
    const deadline = Date.now() + (this.options.installRetryMs ?? 30_000);
    let installed = false;
    for (let wait = 1000; ; wait = Math.min(wait * 2, 8000)) {
      if (installed && !(await d.stillOpen())) {
        return undefined;
      }
      try {
        const posted = await this.toPerson(d.subject, refs, approverId, activity);
        return { approverId, reference: posted.reference, activityId: posted.activityId, where: '1:1' };
      } catch (err) {
        const status = connectorStatus(err);
        this.options.logger?.warn({ err, status, subject: d.subject, approverId }, 'could not open a 1:1 chat with the approver');
        if (status !== 403 || !this.options.teamsAppId || Date.now() > deadline) {
          break;
        }
        if (!installed) {
          installed = true;
          try {
            await this.service.installAppFor(approverId, this.options.teamsAppId);
          } catch (installErr) {
            this.options.logger?.warn({ err: installErr, approverId }, 'could not install the app for the approver');
            break;
          }
        }
        await this.sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      }
    }
    if (!(await d.stillOpen())) {
      return undefined;
    }
    // Last resort: the card in the originating thread, in one message with an @mention of the approver (only they
    // can decide: checked on click). Its id is kept, so the decision replaces it in place. Only in a channel where the
    // request could be started now (service.approvalMayGoToThread): a 1:1 thread is the requester's (the approver
    // can't see it), a group chat is never used, and a channel of a team the leaver belongs to would show them.
    if (!(await d.mayGoToThread())) {
      throw new Error('no 1:1 chat with the approver, and the originating thread may not show the approval card');
    }
    const mention = { type: 'mention', text: `<at>${approverName}</at>`, mentioned: { id: approverId, name: approverName } };
    const activityId = await this.proactive.send(refs.thread, {
      ...activity,
      text: `<at>${approverName}</at>, ${d.threadText}`,
      entities: [mention],
    });
    if (!activityId) {
      this.options.logger?.warn({ subject: d.subject, approverId }, 'the connector returned no id for the approval card: it cannot be updated later');
    }
    return { approverId, reference: refs.thread, activityId, where: 'thread' };
  }

  /**
   * A message to a person in their 1:1 chat with the bot: through the chat they last wrote from (its own serviceUrl),
   * when the bot has heard from them there; otherwise, or when that fails, by opening the chat by Entra id through
   * the request's serviceUrl (sendPersonal: 403 when the app isn't installed for them).
   */
  private async toPerson(requestId: string, refs: TeamsRefs, personId: string, activity: Partial<Activity>): Promise<Posted> {
    const known = await this.options.personalChats?.get(refs.tenantId, personId).catch((err: unknown) => this.warn(err, requestId, 'could not read the stored 1:1 chat'));
    if (known) {
      try {
        return { reference: known, activityId: await this.proactive.send(known, activity) };
      } catch (err) {
        this.options.logger?.warn({ err, status: connectorStatus(err), requestId, personId }, 'the stored 1:1 chat refused the message: opening one by Entra id');
      }
    }
    return this.proactive.sendPersonal(refs.serviceUrl, refs.tenantId, personId, refs.bot, activity);
  }

  private async stillOpen(requestId: string): Promise<boolean> {
    return (await this.service.get(requestId))?.status === 'requested';
  }

  /**
   * At start-up, a batch whose requests all ended has no summary: a claimed one is posted now (its process died before
   * posting it), an unclaimed one is claimed by the batch card's next update, as when its last request ended.
   */
  async batchSummaryDue(batchId: string, requestId: string, claimed: boolean): Promise<void> {
    if (claimed) {
      await this.batchProgress.resumeSummary(batchId);
    } else {
      this.batchChanged(requestId);
    }
  }

  /**
   * A batch finished at start-up (its process died mid-submit; service.resume): as after the click (batch-submitted.ts),
   * the submit card left at "Preparing plans…" shows the submitted notice, the approvers get their cards and the batch
   * progress card is posted. The submit card is the one every request of the batch was submitted from. Never throws.
   */
  async batchSubmitted(batch: Batch, requests: OffboardingRequest[]): Promise<void> {
    try {
      const clicked = requests[0] ? refsOf(requests[0]) : undefined;
      const thread = clicked?.thread ?? batchRefsOf(batch).thread;
      const ref = thread ? { thread, ...(clicked?.submitCardId ? { submitCardId: clicked.submitCardId } : {}) } : undefined;
      await announceBatchSubmitted({ proactive: this.proactive, batchApprovals: this.batchApprovals, batchProgress: this.batchProgress, logger: this.options.logger }, ref, batch, requests);
    } catch (err) {
      this.warn(err, batch.id, 'resumed batch not announced');
    }
  }

  /** The batch progress card (batch-progress.ts) hears of a change; a Teams-side failure never reaches the caller. */
  private batchChanged(requestId: string): void {
    try {
      this.batchProgress.changed(requestId);
    } catch (err) {
      this.warn(err, requestId, 'batch progress not updated');
    }
  }

  private warn(err: unknown, requestId: string, message: string): undefined {
    this.options.logger?.warn({ err, requestId }, message);
    return undefined;
  }

  /**
   * Approved for later: when it runs, in each person's time zone (request.zones, from their mailbox settings; UTC with
   * its offset when unknown). The requester gets a line in the thread where they asked, mentioning them (a 1:1 chat if
   * the thread refuses). Each approver's approval card — the one they decided on, or were asked on — says "Runs on
   * <time in that approver's zone>": that card is where an approver looks for what became of the request, and it stays
   * true. A card updated in place raises no notification in Teams, so the approver who decided also gets a line where
   * their card is, in their zone; the others of an approvers group (up to ten) get no message about a request another
   * member decided. Never throws.
   */
  async scheduled(request: OffboardingRequest): Promise<void> {
    if (!request.effectiveAt) {
      return;
    }
    if (request.batchId && !request.reapproval) {
      // Its batch approval card shows the row's run time; the batch progress card tells the requester.
      this.batchChanged(request.id);
      return this.batchApprovals.decided(request);
    }
    // The cards of the current round (cards of an earlier round were superseded by a re-approval).
    await Promise.all(
      currentApprovals(request).map((a) =>
        this.proactive.update(a.reference, a.activityId, card(renderDecidedCard(decidedCardData(request, a.approverId)))).catch((err: unknown) => this.warn(err, request.id, 'approval card not updated with the run time')),
      ),
    );
    const decider = request.decision?.by;
    const deciderCard = decider ? currentApprovals(request).find((a) => a.approverId === decider.id) : undefined;
    if (decider && deciderCard) {
      const mention = `<at>${decider.displayName}</at>`;
      const text = `${mention}, you approved ${request.id} (offboarding ${request.leaver.displayName}): it will run on ${formatInZone(request.effectiveAt, personZone(request, decider.id))}.`;
      await this.proactive
        .send(deciderCard.reference, { type: 'message', text, entities: [{ type: 'mention', text: mention, mentioned: { id: decider.id, name: decider.displayName } }] })
        .catch((err: unknown) => this.warn(err, request.id, 'could not tell the approver when it runs'));
    }
    const when = formatInZone(request.effectiveAt, personZone(request, request.requester.id));
    await this.toRequester(request, `${request.id} (offboarding ${request.leaver.displayName}) is approved and will run on ${when}. Until then nothing is changed in Microsoft 365; to drop it, type \`cancel ${request.id}\`.`);
  }

  /** A line to the requester: in the thread with a mention; if that fails, in a 1:1 chat. Never throws. */
  private async toRequester(request: OffboardingRequest, body: string): Promise<'thread' | '1:1' | undefined> {
    const refs = refsOf(request);
    const { requester } = request;
    const mention = `<at>${requester.displayName}</at>`;
    try {
      await this.proactive.send(refs.thread, { type: 'message', text: `${mention}, ${body}`, entities: [{ type: 'mention', text: mention, mentioned: { id: requester.id, name: requester.displayName } }] });
      return 'thread';
    } catch (err) {
      this.warn(err, request.id, 'could not tell the requester in the thread');
    }
    try {
      await this.toPerson(request.id, refs, requester.id, { type: 'message', text: `${requester.displayName}, ${body}` });
      return '1:1';
    } catch (err) {
      this.warn(err, request.id, 'could not tell the requester in a 1:1 chat either');
      return undefined;
    }
  }

  async decided(request: OffboardingRequest): Promise<void> {
    if (request.batchId) {
      this.batchChanged(request.id);
      await this.batchApprovals.decided(request);
      if (!request.reapproval) {
        return;
      }
      // A re-approval was asked on a card of its own (deliverApprovals): that card shows the decision too, below.
    }
    // The stored request has every approval card sent so far (they may still be arriving: see sendApproval).
    const stored = (await this.service.get(request.id).catch((err: unknown) => this.warn(err, request.id, 'could not re-read the request'))) ?? request;
    if (stored.status !== request.status && SUPERSEDING.has(stored.status)) {
      return; // e.g. approved, then cancelled before this ran: the cancellation drew the cards
    }
    const refs = refsOf(stored);
    const decided = card(renderDecidedCard(decidedCardData(request)));
    const own = (refs.approvals ?? []).filter((a) => !a.batchApprovalId);
    await Promise.all(own.map((a) => this.proactive.update(a.reference, a.activityId, decided).catch((err: unknown) => this.warn(err, request.id, 'approval card update failed'))));
    if (request.batchId) {
      return;
    }
    // The requester is told (mentioned) when nobody decided in time.
    const requester = `<at>${request.requester.displayName}</at>`;
    const expired = request.status === 'expired';
    const line = expired
      ? `${requester}, ${request.id} (offboarding ${request.leaver.displayName}) expired without a decision. Nothing was changed.`
      : `${outcomeLine(request).text}: ${request.id}, offboarding ${request.leaver.displayName}.${request.decision?.comment ? ` “${request.decision.comment}”` : ''}`;
    const entities = expired ? [{ type: 'mention', text: requester, mentioned: { id: request.requester.id, name: request.requester.displayName } }] : [];
    await this.proactive.send(refs.thread, { type: 'message', text: line, entities }).catch((err: unknown) => this.warn(err, request.id, 'thread line failed'));
  }

  /**
   * The run started: post its progress card. Never throws: Teams being unreachable must not hold up an approved
   * offboarding; the card is posted with the next progress update instead.
   */
  async started(request: OffboardingRequest): Promise<void> {
    if (request.batchId) {
      return this.batchChanged(request.id);
    }
    await this.progressCardId(request).catch((err: unknown) => this.warn(err, request.id, 'progress card post failed'));
  }

  /**
   * The progress card's id, posting the card first if it isn't there yet (a resumed run keeps its card). Posted once
   * per run even if the connector gave no id ('' : it can't be updated) or the id couldn't be saved.
   */
  private async progressCardId(request: OffboardingRequest, view?: RunView): Promise<string | undefined> {
    const thread = refsOf(request).thread?.conversation?.id;
    if (thread) {
      this.threads.set(request.id, thread);
    }
    const existing = refsOf(request).progressActivityId ?? this.progressCards.get(request.id);
    if (existing !== undefined) {
      return existing || undefined;
    }
    const inFlight = this.posting.get(request.id);
    if (inFlight) {
      return (await inFlight) || undefined; // posted by another call just now: this one updates it with its state
    }
    const post = (async () => {
      const id = await this.proactive.send(refsOf(request).thread, card(renderProgressCard(progressCardData(request, view))));
      this.progressCards.set(request.id, id);
      await this.service.annotate(request.id, (t) => asChannelData({ ...(t as unknown as TeamsRefs), progressActivityId: id }));
      return id;
    })();
    this.posting.set(request.id, post);
    try {
      await post;
    } finally {
      this.posting.delete(request.id);
    }
    return undefined; // just posted with the latest state
  }

  progress(requestId: string): void {
    if (this.batchProgress.handles(requestId)) {
      return this.batchChanged(requestId);
    }
    const p = this.pending.get(requestId) ?? { lastSentAt: 0, sending: Promise.resolve() };
    this.pending.set(requestId, p);
    if (p.timer) {
      return; // an update is already due: it will show the latest state
    }
    // When the Bot Connector budget is short (many runs updating their cards at once, or a 429's pause), updates
    // coalesce further: the interval grows with the governor's wait, up to 30 s more. Approval cards, decisions and
    // summaries are never dropped, only progress updates merged. The wait is the longer of the app's and the card's
    // conversation's (its channel, for a channel thread: connector-governor.ts conversationKey), whose budget is
    // the one a busy thread runs out of first.
    const interval = (this.options.progressIntervalMs ?? 1000) + Math.min(30_000, 20 * this.connectorWaitMs(requestId));
    p.timer = setTimeout(() => {
      p.timer = undefined;
      p.lastSentAt = Date.now();
      p.sending = p.sending.then(() => this.updateProgress(requestId, undefined, true)).catch((err: unknown) => this.warn(err, requestId, 'progress update failed'));
    }, Math.max(0, p.lastSentAt + interval - Date.now()));
  }

  /** How long a new Bot Connector call for the request's progress card would wait for budget (0 without a governor). */
  private connectorWaitMs(requestId: string): number {
    const governor = this.proactive.governor;
    if (!governor) {
      return 0;
    }
    const conversation = conversationKey(this.threads.get(requestId));
    return Math.max(governor.waitEstimateMs('bot'), conversation === undefined ? 0 : governor.waitEstimateMs('bot', conversation));
  }

  /** Reads the request and its run now, so the card shows the latest state. */
  private async updateProgress(requestId: string, view?: RunView, whileRunning = false): Promise<void> {
    const request = await this.service.get(requestId);
    // A coalesced update that comes after the run ended (a cancel's, say) leaves the final card to ended(): it must
    // not post a card after the summary.
    if (!request || (whileRunning && request.status !== 'running' && request.status !== 'stopping')) {
      return;
    }
    if (request.batchId) {
      return this.batchChanged(requestId); // a batch's request not known as one yet (a resumed run)
    }
    const run = view ?? (await this.service.runView(request));
    const id = await this.progressCardId(request, run);
    if (id) {
      await this.proactive.update(refsOf(request).thread, id, card(renderProgressCard(progressCardData(request, run))));
    }
  }

  async ended(request: OffboardingRequest, view?: RunView): Promise<void> {
    if (request.batchId) {
      return Promise.resolve()
        .then(() => this.batchProgress.ended(request, view))
        .catch((err: unknown) => this.warn(err, request.id, 'batch progress not updated'));
    }
    this.threads.delete(request.id);
    const p = this.pending.get(request.id);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(request.id);
      await p.sending;
    }
    if (view) {
      await this.updateProgress(request.id, view).catch((err: unknown) => this.warn(err, request.id, 'final progress update failed'));
    }
    this.progressCards.delete(request.id);
    await this.postSummary(request, view);
  }

  /** To the summary channel (retried, recorded in the audit log), and a short line in the thread. */
  private async postSummary(request: OffboardingRequest, view?: RunView): Promise<void> {
    const refs = refsOf(request);
    const summary = card(renderSummaryCard(summaryCardData(request, view)));
    const channel = this.options.summaryChannelId;
    let error: string | undefined;
    if (channel) {
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await this.proactive.postToChannel(refs.serviceUrl, refs.tenantId, channel, summary);
          error = undefined;
          break;
        } catch (err) {
          error = `attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}`;
          this.options.logger?.warn({ err, requestId: request.id, attempt }, 'summary post failed');
          await this.sleep(attempt * 1000);
        }
      }
      await this.service.recordSummary(request.id, error ? { error } : { postedAt: new Date().toISOString() });
    }
    if (!channel || error) {
      // No summary channel (or it could not be reached): the thread gets the whole summary.
      await this.proactive.send(refs.thread, summary).catch((err: unknown) => this.options.logger?.warn({ err }, 'thread summary failed'));
    }
    const ran = ['completed', 'completed-with-failures', 'stopped', 'closed'].includes(request.status);
    if (ran) {
      // (Rejections, cancellations and expiries got their line in decided(); a stopped run says what was not run.)
      const where = channel && !error ? ' The summary is in the offboarding channel.' : '';
      await this.proactive
        .send(refs.thread, { type: 'message', text: `${request.id}, ${request.leaver.displayName}: ${progressCardData(request, view).status}${where}` })
        .catch((err: unknown) => this.options.logger?.warn({ err, requestId: request.id }, 'thread line failed'));
    }
  }
}

const names = (people: Array<{ displayName: string }>): string => people.map((p) => p.displayName).join(' or ');

function requesterNews(r: OffboardingRequest, news: RequesterNews): string {
  const what = `${r.id} (${isReinstatement(r) ? 'reinstating' : 'offboarding'} ${r.leaver.displayName})`;
  switch (news) {
    case 'withdrawn':
      return `${what} was withdrawn: ${r.withdrawn?.reason ?? 'it was never fully opened'}. It never counted as open and nothing was changed in Microsoft 365. If it is still needed, type \`${isReinstatement(r) ? `reinstate ${r.reinstates?.requestId ?? r.leaver.displayName}` : `offboard ${r.leaver.displayName}`}\` to start again.`;
    case 'nobody-reachable':
      return `I couldn't get the approval card for ${what} to ${names(r.approvers)}: Teams refused a 1:1 chat with them, and the thread where you asked refused the card or can't show it (only a channel the leaver is not in can). Nobody has been asked to approve yet, and nothing was changed in Microsoft 365. I keep trying on my own and will tell you when the card gets through. To drop the request, type \`cancel ${r.id}\`.`;
    case 'reached': {
      const carded = new Set(currentApprovals(r).map((a) => a.approverId));
      return `the approval card for ${what} reached ${names(r.approvers.filter((a) => carded.has(a.id)))} after all: it is waiting for a decision.`;
    }
    case 'start-delayed':
      return `${what} did not start at its effective time: ${r.startDelayed?.reason ?? 'Microsoft 365 could not be read'}. Nothing was changed in Microsoft 365. I try again every minute and it starts as soon as the reads succeed (\`status ${r.id}\` shows where it stands). To drop the request, type \`cancel ${r.id}\`.`;
    case 'reapproval':
      return `${what} did not start at its effective time, because something its approval rested on changed: ${r.reapproval?.changes.join(' ') ?? ''} Nothing was changed in Microsoft 365. I've asked ${names(r.approvers)} for a new decision (it expires ${formatInZone(r.expiresAt, personZone(r, r.requester.id))}). To drop the request, type \`cancel ${r.id}\`.`;
  }
}
