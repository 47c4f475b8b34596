// A batch's progress in its thread (issue 15, *Bulk*): one card with a line per leaver and the counts, posted when the
// batch is submitted and updated in place (coalesced within the Bot Connector budget, like a single run's card), and
// one batch summary to SUMMARY_CHANNEL_ID once every request of the batch has ended. Per-request progress cards and
// summaries are not posted for a batch's requests: each request's details stay in its audit entry and `status <id>`.
import { MessageFactory, type Activity, type Attachment, type ConversationReference } from 'botbuilder';
import type { Batch } from '../offboarding/batch/batch';
import type { BatchView } from '../offboarding/batch/use-case';
import type { RunView } from '../offboarding/executor';
import { isFinal, type OffboardingRequest } from '../offboarding/requests';
import type { OffboardingService } from '../offboarding/service';
import { batchCounts, batchProgressCardData, batchSummaryCardData, fitBatchCard } from './batch-view';
import { renderBatchProgressCard, renderBatchSummaryCard } from './cards';
import { conversationKey } from './connector-governor';
import type { NotifierOptions } from './notifier';
import type { Proactive } from './proactive';
import { refsOf } from './refs';
import { personZone } from './view';

/** What the Teams layer keeps with a batch (Batch.teams): where it was asked for, and its progress card once posted. */
export interface BatchTeamsRefs {
  thread?: Partial<ConversationReference>;
  serviceUrl?: string;
  tenantId?: string;
  progressActivityId?: string;
}

export function batchRefsOf(batch: Batch): BatchTeamsRefs {
  return batch.teams;
}

interface Pending {
  timer?: NodeJS.Timeout;
  lastSentAt: number;
  sending: Promise<void>;
}

const card = (attachment: Attachment): Partial<Activity> => MessageFactory.attachment(attachment);

/** Requests whose run is read for their line ("running 12/28 steps"). */
const RUNNING = new Set(['running', 'stopping']);

export class BatchProgress {
  /** Request id → batch id, for every batch this process has seen. */
  private readonly batchOf = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();
  /** Progress cards posted by this process, by batch id (the batch record keeps it too, for a restarted process). */
  private readonly cards = new Map<string, string>();
  /** Progress cards being posted: an update that comes meanwhile waits for the post, never posts a second. */
  private readonly posting = new Map<string, Promise<string>>();
  /** Each batch's thread, by batch id: its conversation's budget paces the updates. */
  private readonly threads = new Map<string, string>();
  /** Each batch's number of requests, by batch id. */
  private readonly sizes = new Map<string, number>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    protected readonly proactive: Proactive,
    protected readonly service: OffboardingService,
    protected readonly options: NotifierOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The batch was submitted: its progress card goes to the thread (every leaver waiting for their approver). Never throws. */
  async submitted(batch: Batch): Promise<void> {
    this.learn(batch);
    await this.refresh(batch.id).catch((err: unknown) => this.warn(err, batch.id, 'batch progress card post failed'));
  }

  /** True when `requestId` is known to belong to a batch (then progress() handles it). */
  handles(requestId: string): boolean {
    return this.batchOf.has(requestId);
  }

  /** Something moved for a batch's request (decided, started, a step): the batch card updates, coalesced. Never throws. */
  changed(requestId: string): void {
    const batchId = this.batchOf.get(requestId);
    if (batchId) {
      return this.schedule(batchId);
    }
    // Not seen yet (a resumed process, or a decision before the submit's card): the stored request names its batch.
    this.resolve(requestId)
      .then((id) => (id ? this.schedule(id) : undefined))
      .catch((err: unknown) => this.warn(err, requestId, 'batch of the request not read'));
  }

  /**
   * A batch's request ended: its line updates, coalesced like any change; the update that finds every request of the
   * batch ended claims the summary (once: service.batches.claimSummary) and posts it after the final card. So a batch
   * of 500 reads its requests once per update, not once per request that ends. Never throws.
   */
  ended(request: OffboardingRequest, _view?: RunView): Promise<void> {
    if (request.batchId) {
      this.batchOf.set(request.id, request.batchId);
      this.schedule(request.batchId);
    }
    return Promise.resolve();
  }

  /**
   * At start-up, for a batch whose summary was claimed but neither posted nor given up on (the process died between
   * the claim and the post): the summary goes out now. Nothing for any other batch. Never throws.
   */
  async resumeSummary(batchId: string): Promise<void> {
    try {
      const batch = await this.service.batches.get(batchId);
      if (!batch?.summary || batch.summary.postedAt || batch.summary.error) {
        return;
      }
      await this.postSummary({ batch, requests: await this.service.batches.requests(batch) });
    } catch (err) {
      this.warn(err, batchId, 'batch summary not posted after a restart');
    }
  }

  private learn(batch: Batch): void {
    for (const id of batch.requestIds ?? []) {
      this.batchOf.set(id, batch.id);
    }
    this.sizes.set(batch.id, batch.requestIds?.length ?? 0);
    const thread = batchRefsOf(batch).thread?.conversation?.id;
    if (thread) {
      this.threads.set(batch.id, thread);
    }
  }

  private forget(batch: Batch): void {
    for (const id of batch.requestIds ?? []) {
      this.batchOf.delete(id);
    }
    this.pending.delete(batch.id);
    this.threads.delete(batch.id);
    this.sizes.delete(batch.id);
    this.cards.delete(batch.id);
  }

  private async resolve(requestId: string): Promise<string | undefined> {
    const request = await this.service.get(requestId);
    if (!request?.batchId) {
      return undefined;
    }
    const batch = await this.service.batches.get(request.batchId);
    if (batch) {
      this.learn(batch);
    }
    this.batchOf.set(requestId, request.batchId);
    return request.batchId;
  }

  /**
   * One update per interval per batch, however many of its runs move: the interval grows with the Bot Connector
   * governor's wait (the app's, or the thread's conversation's), up to 30 s more, as for a single run's card, and
   * with the batch's size (4 ms a leaver: 2 s more for 500).
   */
  private schedule(batchId: string): void {
    const p = this.pending.get(batchId) ?? { lastSentAt: 0, sending: Promise.resolve() };
    this.pending.set(batchId, p);
    if (p.timer) {
      return; // an update is already due: it will show the latest state
    }
    // A big batch's update reads every one of its requests and renders a card of up to 80 KB: a little slower.
    const size = Math.min(5_000, 4 * (this.sizes.get(batchId) ?? 0));
    const interval = (this.options.progressIntervalMs ?? 1000) + size + Math.min(30_000, 20 * this.connectorWaitMs(batchId));
    p.timer = setTimeout(() => {
      p.timer = undefined;
      p.lastSentAt = Date.now();
      p.sending = p.sending.then(() => this.refresh(batchId)).catch((err: unknown) => this.warn(err, batchId, 'batch progress update failed'));
    }, Math.max(0, p.lastSentAt + interval - Date.now()));
  }

  /** How long a new Bot Connector call for the batch's card would wait for budget (0 without a governor). */
  private connectorWaitMs(batchId: string): number {
    const governor = this.proactive.governor;
    if (!governor) {
      return 0;
    }
    const conversation = conversationKey(this.threads.get(batchId));
    return Math.max(governor.waitEstimateMs('bot'), conversation === undefined ? 0 : governor.waitEstimateMs('bot', conversation));
  }

  /** Reads the batch, its requests and their runs now, and posts or updates the card with that. */
  private async refresh(batchId: string): Promise<void> {
    const batch = await this.service.batches.get(batchId);
    if (!batch || batch.status === 'draft') {
      return;
    }
    this.learn(batch);
    const requests = await this.service.batches.requests(batch);
    const thread = threadOf(batch, requests);
    if (!thread) {
      this.warn(undefined, batchId, 'the batch has no thread to post its progress card to');
      return;
    }
    const running = requests.filter((r) => RUNNING.has(r.status));
    const views = new Map<string, RunView>();
    await Promise.all(
      running.map(async (r) => {
        const view = await this.service.runView(r).catch(() => undefined);
        if (view) {
          views.set(r.id, view);
        }
      }),
    );
    // The thread is the requester's: scheduled times in their zone.
    const zone = requests.map((r) => personZone(r, r.requester.id)).find((z) => z !== undefined) ?? batch.timeZone;
    const activity = card(fitBatchCard(batchProgressCardData(batch, requests, views, zone), renderBatchProgressCard));
    const id = await this.cardId(batch, thread, activity).catch((err: unknown) => this.warn(err, batchId, 'batch progress card post failed'));
    if (id) {
      await this.proactive.update(thread, id, activity).catch((err: unknown) => this.warn(err, batchId, 'batch progress update failed'));
    }
    if (batch.status === 'submitted' && !batch.summary && requests.length > 0 && requests.every(isFinal)) {
      // The last one ended: the summary, once (compare-and-swap on the batch), after the final card above.
      const claimed = await this.service.batches.claimSummary(batchId);
      if (claimed) {
        await this.postSummary(claimed);
        this.forget(claimed.batch);
      }
    }
  }

  /**
   * The card's id, posting it (with `activity`) if it isn't there yet: the id stored with the batch (a restarted
   * process keeps its card), else this process's. Undefined when it was just posted with `activity`, or the connector
   * gave no id ('': it can't be updated, and is never posted again).
   */
  private async cardId(batch: Batch, thread: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string | undefined> {
    const existing = batchRefsOf(batch).progressActivityId ?? this.cards.get(batch.id);
    if (existing !== undefined) {
      return existing || undefined;
    }
    const inFlight = this.posting.get(batch.id);
    if (inFlight) {
      return (await inFlight) || undefined; // posted by another call just now: this one updates it with its state
    }
    const post = (async () => {
      const id = await this.proactive.send(thread, activity);
      this.cards.set(batch.id, id);
      await this.service.batches.annotate(batch.id, (t) => ({ ...t, progressActivityId: id }));
      return id;
    })();
    this.posting.set(batch.id, post);
    try {
      await post;
    } finally {
      this.posting.delete(batch.id);
    }
    return undefined;
  }

  /**
   * To the summary channel (retried), and a short line in the thread; the whole summary goes to the thread when there
   * is no summary channel or it could not be reached. The outcome is always recorded on the batch and on each of its
   * requests (whose audit then shows where their outcome was posted): a recorded summary is never posted again, even
   * by a restarted process (resumeSummary, dueBatchSummaries).
   */
  private async postSummary({ batch, requests }: BatchView): Promise<void> {
    const first = requests[0] ? refsOf(requests[0]) : undefined;
    const refs = batchRefsOf(batch);
    const thread = threadOf(batch, requests);
    const summary = card(fitBatchCard(batchSummaryCardData(batch, requests), renderBatchSummaryCard));
    const channel = this.options.summaryChannelId;
    const serviceUrl = refs.serviceUrl ?? first?.serviceUrl;
    const tenantId = refs.tenantId ?? first?.tenantId;
    let error: string | undefined;
    if (channel && serviceUrl && tenantId) {
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await this.proactive.postToChannel(serviceUrl, tenantId, channel, summary);
          error = undefined;
          break;
        } catch (err) {
          error = `attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}`;
          this.options.logger?.warn({ err, batchId: batch.id, attempt }, 'batch summary post failed');
          await this.sleep(attempt * 1000);
        }
      }
    } else if (channel) {
      error = 'the batch has no Teams service URL or tenant to post the summary with';
    }
    let outcome: { postedAt?: string; error?: string } = error ? { error } : { postedAt: new Date().toISOString() };
    if (!channel) {
      // No summary channel: the thread is where it goes, and whether it got there is the outcome.
      let failure = thread ? undefined : 'no summary channel, and the batch has no thread to post the summary to';
      if (thread) {
        await this.proactive.send(thread, summary).catch((err: unknown) => {
          this.warn(err, batch.id, 'thread batch summary failed');
          failure = `no summary channel, and the thread could not be reached: ${err instanceof Error ? err.message : String(err)}`;
        });
      }
      outcome = failure ? { error: failure } : { postedAt: new Date().toISOString() };
    }
    await this.service.batches.recordSummary(batch.id, outcome).catch((err: unknown) => this.warn(err, batch.id, 'batch summary not recorded'));
    for (const r of requests) {
      await this.service.recordSummary(r.id, outcome).catch((err: unknown) => this.warn(err, batch.id, `summary not recorded on ${r.id}`));
    }
    if (!thread) {
      return;
    }
    if (channel && error) {
      await this.proactive.send(thread, summary).catch((err: unknown) => this.warn(err, batch.id, 'thread batch summary failed'));
    }
    // The requester is mentioned: a card updated in place raises no notification, and some leavers may have expired.
    const where = channel && !error ? ' The summary is in the offboarding channel.' : '';
    const mention = `<at>${batch.requester.displayName}</at>`;
    const entities = [{ type: 'mention', text: mention, mentioned: { id: batch.requester.id, name: batch.requester.displayName } }];
    await this.proactive
      .send(thread, { type: 'message', text: `${mention}, ${batch.id}: every request of the batch has ended (${batchCounts(requests)}).${where}`, entities })
      .catch((err: unknown) => this.warn(err, batch.id, 'thread line failed'));
  }

  private warn(err: unknown, id: string, message: string): undefined {
    this.options.logger?.warn({ err, id }, message);
    return undefined;
  }
}

/** Where the batch was asked for: its own reference, else its first request's (they share the thread). */
function threadOf(batch: Batch, requests: OffboardingRequest[]): Partial<ConversationReference> | undefined {
  return batchRefsOf(batch).thread ?? (requests[0] ? refsOf(requests[0]).thread : undefined);
}
