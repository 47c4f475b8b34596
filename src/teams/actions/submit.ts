// offboard.submit: validate the card's inputs, answer at once, then (in the background) preflight and plan
// (read-only), store the request and send the approval cards. Every rule is checked again by the service: card data
// is user input.
import { MessageFactory } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../../logger';
import { LIMITS, tooLong } from '../../offboarding/limits';
import type { OffboardingRequest } from '../../offboarding/requests';
import type { OffboardingService } from '../../offboarding/service';
import { renderNoticeCard } from '../cards';
import type { TeamsNotifier } from '../notifier';
import type { Proactive } from '../proactive';
import { asChannelData, refsOf, type TeamsRefs } from '../refs';
import { requestCardFor } from '../request-card';
import { refsFrom, timeZoneOf } from '../turn';
import { VERBS } from '../verbs';
import { isValidZone, SOMEONE_ELSE } from '../view';
import { cardAction, type CardAction } from './action';
import { blankToUndefined, effectiveAt, firstIssue, submitPreamble } from './form';
import { batchSubmitAction } from './batch-submit';


export const submitData = z
  .object({
    leaverId: z.string({ required_error: 'the person leaving (leaverId) is missing' }).uuid('leaverId must be an Entra object id'),
    // A person offered on the card (the manager, the requester), or "Someone else…": then the person searched for.
    mailboxInheritorId: z.union([z.literal(SOMEONE_ELSE), z.string({ required_error: 'choose who inherits the mailbox (mailboxInheritorId)' }).uuid('mailboxInheritorId must be an Entra object id')], {
      errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? 'mailboxInheritorId must be an Entra object id' : ctx.defaultError }),
    }),
    mailboxInheritorSearch: z.preprocess(blankToUndefined, z.string().uuid('mailboxInheritorSearch must be an Entra object id').optional()),
    effectiveDate: z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'effectiveDate must be YYYY-MM-DD').optional()),
    effectiveTime: z.preprocess(blankToUndefined, z.string().regex(/^\d{2}:\d{2}$/, 'effectiveTime must be HH:mm').optional()),
    reason: z.preprocess(blankToUndefined, z.string().max(LIMITS.reason, tooLong('the reason', LIMITS.reason)).optional()),
  })
  .superRefine((d, ctx) => {
    if (d.mailboxInheritorId === SOMEONE_ELSE && !d.mailboxInheritorSearch) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['mailboxInheritorSearch'], message: 'you chose "Someone else…": search for the person who inherits the mailbox' });
    }
  })
  .transform((d) => ({ ...d, inheritorId: d.mailboxInheritorId === SOMEONE_ELSE ? d.mailboxInheritorSearch! : d.mailboxInheritorId }));

export interface SubmitDeps {
  service: OffboardingService;
  notifier: TeamsNotifier;
  proactive: Proactive;
  logger?: Logger;
}



const invalid = (error: z.ZodError): string => `The request can't be submitted: ${firstIssue(error)}. Nothing was changed.`;

/**
 * offboard.submit carries either { batchId } (a batch request card: actions/batch-submit.ts) or, as always, a single
 * request card's inputs (leaverId, mailboxInheritorId, …; no id of its own).
 */
const batchForm = z.object({ batchId: z.unknown() }).refine((d) => d.batchId !== undefined);

export function submitAction(deps: SubmitDeps): CardAction {
  const single = singleSubmitAction(deps);
  const batch = batchSubmitAction(deps);
  return {
    verb: VERBS.submit,
    handle(context, data) {
      return batchForm.safeParse(data).success ? batch.handle(context, data) : single.handle(context, data);
    },
  };
}

function singleSubmitAction(deps: SubmitDeps): CardAction {
  // `data` (the raw action data) carries the option inputs, validated by the options schema.
  return cardAction(VERBS.submit, submitData, invalid, async (context, requester, fields, data) => {
    const checked = await submitPreamble(deps.service, context, requester, data, invalid);
    if (typeof checked === 'string') {
      return checked;
    }
    const { options, where } = checked;
    const zone = timeZoneOf(context);
    const input = {
      requester,
      leaverId: fields.leaverId,
      inheritorId: fields.inheritorId,
      options,
      effectiveAt: effectiveAt(fields.effectiveDate, fields.effectiveTime, isValidZone(zone) ? zone : 'UTC'),
      ...(isValidZone(zone) ? { timeZone: zone } : {}),
      ...(fields.reason ? { reason: fields.reason } : {}),
      teams: asChannelData(refsFrom(context)),
      // Checked again by the service (the card may have been forwarded or forged): venue.ts.
      where,
    };
    // Teams wants an answer within ~5 s; the preflight may take longer against a real tenant. The TurnContext is
    // revoked when the turn ends, so the rest works from plain values.
    void continueSubmit(deps, refsFrom(context), input).catch((err: unknown) => deps.logger?.error({ err }, 'submit failed'));
    return renderNoticeCard({ title: 'Preparing the plan…', text: 'Reading the account, groups, devices and mailbox (read-only: nothing changes before approval). This card updates in a moment.', tone: 'default' }).content as Record<string, unknown>;
  });
}

/** What the submitted card turns into: the request's id and who is asked. */
function submittedNotice(request: OffboardingRequest) {
  return renderNoticeCard({
    title: `Submitted: ${request.id}`,
    text: `Offboarding ${request.leaver.displayName}, mailbox to ${request.inheritor.displayName}. Waiting for ${request.approvers.map((a) => a.displayName).join(' or ')} to approve; the plan is below.`,
    tone: 'good',
  });
}

async function continueSubmit(deps: SubmitDeps, refs: TeamsRefs, input: Parameters<OffboardingService['submit']>[0]): Promise<void> {
  // The card shows the outcome; if it can't be updated the request still goes on (the plan follows in the thread).
  const replace = async (card: Parameters<typeof MessageFactory.attachment>[0]): Promise<void> => {
    const activity = MessageFactory.attachment(card);
    await (refs.submitCardId ? deps.proactive.update(refs.thread, refs.submitCardId, activity) : deps.proactive.send(refs.thread, activity)).catch((err: unknown) =>
      deps.logger?.warn({ err }, 'the submitted card could not be updated'),
    );
  };
  let result: Awaited<ReturnType<OffboardingService['submit']>>;
  try {
    result = await deps.service.submit(input);
  } catch (err) {
    deps.logger?.error({ err }, 'submit failed');
    await replace(renderNoticeCard({ title: "The request couldn't be prepared", text: `Nothing was changed. ${err instanceof Error ? err.message : String(err)}`, tone: 'attention' }));
    return;
  }
  if (!result.ok) {
    const reason = result.reason;
    try {
      // A second click on the same card lost the race to the first: the card shows the request the first one opened.
      const open = refs.submitCardId ? await deps.service.openRequestFor(input.leaverId) : undefined;
      if (open && refsOf(open).submitCardId === refs.submitCardId) {
        await replace(submittedNotice(open));
        return;
      }
      // The form comes back with the reason, so it can be fixed and sent again.
      const again = await requestCardFor(deps.service, input.timeZone, input.requester, input.leaverId, input.where, reason);
      await replace(again.card);
    } catch (err) {
      deps.logger?.warn({ err }, 'could not show the refused form again');
      await replace(renderNoticeCard({ title: "Can't start this offboarding", text: `${reason} Nothing was changed.`, tone: 'attention' }));
    }
    return;
  }
  await replace(submittedNotice(result.request));
  await deps.notifier.requested(result.request);
}
