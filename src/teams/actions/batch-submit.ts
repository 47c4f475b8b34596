// offboard.submit with { batchId }: the batch request card (issue 15, *Bulk*). Validates the card's inputs, answers at
// once, then (in the background) the domain opens a request per leaver (each re-checked, preflighted and planned,
// read-only, paced by the governor) and groups the approvals; the card turns into the submitted notice and each
// approver gets one card covering their leavers. Card data is user input: the domain checks every rule again.
import type { Attachment } from 'botbuilder';
import { z } from 'zod';
import { BATCH_ID, type Batch } from '../../offboarding/batch/batch';
import { batchMayShowHere, batchNotFound } from '../../offboarding/batch/records';
import type { BatchSubmitInput } from '../../offboarding/batch/use-case';
import { LIMITS, tooLong } from '../../offboarding/limits';
import type { Venue } from '../../offboarding/venue';
import { batchRequestCard } from '../batch-cards';
import { batchRefsOf } from '../batch-progress';
import { announceBatchSubmitted, replaceSubmitCard } from '../batch-submitted';
import { renderNoticeCard } from '../cards';
import { asChannelData, type TeamsRefs } from '../refs';
import { refsFrom, timeZoneOf } from '../turn';
import { VERBS } from '../verbs';
import { isValidZone } from '../view';
import { cardAction, type CardAction } from './action';
import { blankToUndefined, effectiveAt, firstIssue, submitPreamble } from './form';
import type { SubmitDeps } from './submit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INHERITOR_PREFIX = 'mailboxInheritorId.';

export const batchSubmitData = z
  .object({
    batchId: z.string({ invalid_type_error: 'batchId must be a batch id' }).regex(BATCH_ID, 'batchId must be a batch id (BAT-…)'),
    effectiveDate: z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'effectiveDate must be YYYY-MM-DD').optional()),
    effectiveTime: z.preprocess(blankToUndefined, z.string().regex(/^\d{2}:\d{2}$/, 'effectiveTime must be HH:mm').optional()),
    reason: z.preprocess(blankToUndefined, z.string().max(LIMITS.reason, tooLong('the reason', LIMITS.reason)).optional()),
  })
  .passthrough()
  .superRefine((d, ctx) => {
    // Every row's inheritor: `mailboxInheritorId.<leaver id>` → an Entra object id (blank: the row keeps its preset).
    for (const [key, value] of Object.entries(d)) {
      if (!key.startsWith(INHERITOR_PREFIX)) {
        continue;
      }
      if (!UUID.test(key.slice(INHERITOR_PREFIX.length))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'the leaver in this input name must be an Entra object id' });
      } else if (value !== undefined && value !== '' && (typeof value !== 'string' || !UUID.test(value))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'must be an Entra object id' });
      }
    }
  })
  .transform((d) => ({
    ...d,
    inheritors: Object.fromEntries(
      Object.entries(d)
        .filter(([key, value]) => key.startsWith(INHERITOR_PREFIX) && typeof value === 'string' && value !== '')
        .map(([key, value]) => [key.slice(INHERITOR_PREFIX.length).toLowerCase(), (value as string).toLowerCase()]),
    ),
  }));

const invalid = (error: z.ZodError): string => `The batch can't be submitted: ${firstIssue(error)}. Nothing was changed.`;

export function batchSubmitAction(deps: SubmitDeps): CardAction {
  return cardAction(VERBS.submit, batchSubmitData, invalid, async (context, requester, fields, data) => {
    const checked = await submitPreamble(deps.service, context, requester, data, invalid);
    if (typeof checked === 'string') {
      return checked;
    }
    const { options, where } = checked;
    // Only where the batch was prepared (the domain checks it again): anywhere else it is as if it did not exist, and
    // nothing about it (not even its size) is shown.
    const batch = await deps.service.batches.get(fields.batchId);
    const refs = refsFrom(context);
    if (!batch || !preparedHere(batch, where, refs)) {
      return batchNotFound(fields.batchId);
    }
    if (batch.status !== 'draft') {
      // A second click (or another operator's): the card stays as the first click left it, its outcome included.
      return batch.status === 'submitting'
        ? `${batch.id} is being submitted right now: this card updates when every plan is ready. Nothing else was changed.`
        : `${batch.id} was already submitted${batch.submittedBy ? ` by ${batch.submittedBy.displayName}` : ''}: \`status ${batch.id}\` shows where each leaver stands. Nothing was changed.`;
    }
    const zone = timeZoneOf(context);
    const input: BatchSubmitInput = {
      batchId: batch.id,
      requester,
      inheritors: fields.inheritors,
      options,
      effectiveAt: effectiveAt(fields.effectiveDate, fields.effectiveTime, isValidZone(zone) ? zone : 'UTC'),
      ...(isValidZone(zone) ? { timeZone: zone } : {}),
      ...(fields.reason ? { reason: fields.reason } : {}),
      teams: asChannelData(refs),
      where,
    };
    // Teams wants an answer within ~5 s; planning hundreds of leavers takes longer. The TurnContext is revoked when
    // the turn ends, so the rest works from plain values.
    void continueBatchSubmit(deps, refs, input).catch((err: unknown) => deps.logger?.error({ err, batchId: batch.id }, 'batch submit failed'));
    const n = batch.rows.length;
    return renderNoticeCard({
      title: `Preparing plans for ${n} ${n === 1 ? 'leaver' : 'leavers'}…`,
      text: `${batch.id}: reading each account, its groups, devices and mailbox (read-only: nothing changes before approval). This card updates when every plan is ready.`,
      tone: 'default',
    }).content as Record<string, unknown>;
  });
}

/**
 * The click comes from where the batch was prepared: its channel, or its own 1:1 chat (the same conversation id: any
 * other operator's 1:1 chat is somewhere else, though the domain's venue rule sees only "a 1:1 chat").
 */
export function preparedHere(batch: Batch, where: Venue, refs: TeamsRefs): boolean {
  if (where.kind === 'personal') {
    const thread = batchRefsOf(batch).thread?.conversation?.id;
    return batch.where.kind === 'personal' && thread !== undefined && thread === refs.thread.conversation?.id;
  }
  return batchMayShowHere(batch, where);
}

/** After the answer: the domain submits; the submit card shows the outcome (exported for tests). */
export async function continueBatchSubmit(deps: SubmitDeps, refs: TeamsRefs, input: BatchSubmitInput): Promise<void> {
  const replace = (card: Attachment): Promise<void> => replaceSubmitCard(deps, refs, input.batchId, card);
  let result: Awaited<ReturnType<typeof deps.service.batches.submit>>;
  try {
    result = await deps.service.batches.submit(input);
  } catch (err) {
    deps.logger?.error({ err, batchId: input.batchId }, 'batch submit failed');
    await replace(renderNoticeCard({ title: `${input.batchId} couldn't be prepared`, text: `${err instanceof Error ? err.message : String(err)} Leavers already asked for keep their requests, and the bot finishes this batch when it next starts; \`status <name>\` shows each.`, tone: 'attention' }));
    return;
  }
  if (!result.ok) {
    // The form comes back with the reason while the batch is still a draft (fix and submit again); else a notice. Never
    // the form on the unknown-batch answer: the click may come from where the batch must not be shown.
    const unknown = result.reason === batchNotFound(input.batchId);
    const batch = unknown ? undefined : await deps.service.batches.get(input.batchId).catch(() => undefined);
    await replace(batch?.status === 'draft' ? batchRequestCard(batch, input.requester, input.timeZone, result.reason) : renderNoticeCard({ title: unknown ? "Can't submit this batch" : `Can't submit ${input.batchId}`, text: result.reason, tone: 'attention' }));
    return;
  }
  const { notifier } = deps;
  await announceBatchSubmitted({ proactive: deps.proactive, batchApprovals: notifier.batchApprovals, batchProgress: notifier.batchProgress, logger: deps.logger }, refs, result.batch, result.requests);
}
