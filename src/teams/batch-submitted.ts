// A batch submitted (issue 15, *Bulk*), whether by the click (actions/batch-submit.ts) or finished at start-up after
// a process died mid-submit (TeamsNotifier.batchSubmitted): the submit card turns into the submitted notice, each
// approver gets their card(s) and the batch progress card goes to the thread. Never throws.
import { MessageFactory, type Attachment, type ConversationReference } from 'botbuilder';
import type { Logger } from '../logger';
import type { Batch } from '../offboarding/batch/batch';
import type { OffboardingRequest } from '../offboarding/requests';
import type { BatchApprovals } from './batch-approvals';
import type { BatchProgress } from './batch-progress';
import { renderNoticeCard } from './cards';
import type { Proactive } from './proactive';

/** Not submitted rows named on the notice; the rest are counted. */
const MAX_LISTED = 20;

/** Where the submit card is: the conversation, and the card's activity id (unknown: a new message is posted). */
export interface SubmitCardRef {
  thread: Partial<ConversationReference>;
  submitCardId?: string;
}

export interface BatchSubmittedDeps {
  proactive: Proactive;
  batchApprovals: Pick<BatchApprovals, 'requested'>;
  batchProgress: Pick<BatchProgress, 'submitted'>;
  logger?: Logger;
}

/** The submit card replaced in place (else posted), e.g. with the outcome of the submit. Never throws. */
export async function replaceSubmitCard(deps: Pick<BatchSubmittedDeps, 'proactive' | 'logger'>, ref: SubmitCardRef, batchId: string, card: Attachment): Promise<void> {
  const activity = MessageFactory.attachment(card);
  await (ref.submitCardId ? deps.proactive.update(ref.thread, ref.submitCardId, activity) : deps.proactive.send(ref.thread, activity)).then(
    () => undefined,
    (err: unknown) => deps.logger?.warn({ err, batchId }, 'the submitted batch card could not be updated'),
  );
}

/** What the submit card turns into: how many requests were opened, how many approvers asked, and who was not submitted. */
export function batchSubmittedNotice(batch: Batch, requests: readonly OffboardingRequest[]): Attachment {
  const notSubmitted = batch.notSubmitted ?? [];
  const listed = notSubmitted.slice(0, MAX_LISTED).map((n) => `${n.displayName}: ${n.reason}`);
  const rest = notSubmitted.length - listed.length;
  const approvers = new Set((batch.approvals ?? []).map((a) => a.approverId)).size;
  return renderNoticeCard({
    title: `Submitted: ${batch.id}`,
    text: [
      `${requests.length} ${requests.length === 1 ? 'request' : 'requests'} opened, each waiting for its approver (${approvers} ${approvers === 1 ? 'approver' : 'approvers'} asked, one card each). \`status ${batch.id}\` shows where they stand.`,
      ...(notSubmitted.length > 0 ? [`Not submitted (${notSubmitted.length}), nothing done for them: ${listed.join('; ')}${rest > 0 ? `; … and ${rest} more (the audit log lists them)` : ''}.`] : []),
    ].join('\n\n'),
    tone: notSubmitted.length > 0 ? 'warning' : 'good',
  });
}

/** The submitted notice on the submit card, then the approval cards and the batch progress card. Never throws. */
export async function announceBatchSubmitted(deps: BatchSubmittedDeps, ref: SubmitCardRef | undefined, batch: Batch, requests: OffboardingRequest[]): Promise<void> {
  if (ref) {
    await replaceSubmitCard(deps, ref, batch.id, batchSubmittedNotice(batch, requests));
  }
  await Promise.all([
    Promise.resolve()
      .then(() => deps.batchApprovals.requested(batch, requests))
      .catch((err: unknown) => deps.logger?.warn({ err, batchId: batch.id }, 'batch approval cards not sent')),
    Promise.resolve()
      .then(() => deps.batchProgress.submitted(batch))
      .catch((err: unknown) => deps.logger?.warn({ err, batchId: batch.id }, 'batch progress card not posted')),
  ]);
}
