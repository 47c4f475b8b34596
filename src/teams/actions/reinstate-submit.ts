// reinstate.submit: validate the card's inputs, answer at once, then (in the background) let the use case check every
// rule again, plan afresh and store the request; the approval cards go out as for an offboarding. Card data is user
// input: the offboarding id is all it carries, and the use case reads the rest from the store.
import { MessageFactory } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../../logger';
import { LIMITS, tooLong } from '../../offboarding/limits';
import type { ReinstateSubmitInput, ReinstatementUseCase } from '../../offboarding/reinstate/use-case';
import type { OffboardingRequest } from '../../offboarding/requests';
import type { OffboardingService } from '../../offboarding/service';
import { renderNoticeCard } from '../cards';
import type { TeamsNotifier } from '../notifier';
import type { Proactive } from '../proactive';
import { asChannelData, type TeamsRefs } from '../refs';
import { refsFrom, timeZoneOf, venueOf } from '../turn';
import { VERBS } from '../verbs';
import { isValidZone } from '../view';
import { cardAction, type CardAction } from './action';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const NOT_AN_OPERATOR_REINSTATE = 'Sorry, only members of the offboarding operators group can reinstate someone. Nothing was changed.';

export const reinstateSubmitData = z.object({
  requestId: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    z.string({ required_error: 'the offboarding to undo (requestId) is missing', invalid_type_error: 'requestId must be a request id like OFB-7K3Q9P' }).regex(/^OFB-[A-Z0-9]{6}$/, 'requestId must be a request id like OFB-7K3Q9P'),
  ),
  reason: z.preprocess(blankToUndefined, z.string({ invalid_type_error: 'the reason must be text' }).max(LIMITS.reason, tooLong('the reason', LIMITS.reason)).optional()),
  removeHandovers: z.enum(['true', 'false'], { errorMap: () => ({ message: 'removeHandovers must be "true" or "false"' }) }).optional(),
});

export interface ReinstateSubmitDeps {
  service: OffboardingService;
  notifier: TeamsNotifier;
  proactive: Proactive;
  logger?: Logger;
}

const invalid = (error: z.ZodError): string => {
  const issue = error.issues[0]!;
  return `The reinstatement can't be submitted: ${issue.path.join('.') || 'input'}: ${issue.message}. Nothing was changed.`;
};

export function reinstateSubmitAction(deps: ReinstateSubmitDeps): CardAction {
  return cardAction(VERBS.reinstateSubmit, reinstateSubmitData, invalid, async (context, requester, fields) => {
    if (!(await deps.service.isOperator(requester.id))) {
      return NOT_AN_OPERATOR_REINSTATE;
    }
    // A group chat or an unlisted channel is refused at once; the use case checks the rest again.
    const where = await venueOf(context);
    const wrongPlace = deps.service.wrongPlace(where);
    if (wrongPlace) {
      return wrongPlace;
    }
    const zone = timeZoneOf(context);
    const refs = refsFrom(context);
    const input: ReinstateSubmitInput = {
      requester,
      offboardingId: fields.requestId,
      removeHandovers: fields.removeHandovers === 'true',
      ...(fields.reason ? { reason: fields.reason.trim() } : {}),
      ...(isValidZone(zone) ? { timeZone: zone } : {}),
      teams: asChannelData(refs),
      where,
    };
    // Teams wants an answer within ~5 s and the preflight may take longer: the rest works from plain values (the
    // TurnContext is revoked when the turn ends).
    void continueReinstate(deps, refs, input).catch((err: unknown) => deps.logger?.error({ err }, 'reinstatement submit failed'));
    return renderNoticeCard({ title: 'Preparing the reinstatement…', text: 'Reading what the offboarding changed and where the account stands now (read-only: nothing changes before approval). This card updates in a moment.', tone: 'default' })
      .content as Record<string, unknown>;
  });
}

function submittedNotice(request: OffboardingRequest) {
  return renderNoticeCard({
    title: `Submitted: ${request.id}`,
    text: `Reinstating ${request.leaver.displayName} (undoes ${request.reinstates?.requestId ?? '?'}). Waiting for ${request.approvers.map((a) => a.displayName).join(' or ')} to approve; the plan is below.`,
    tone: 'good',
  });
}

async function continueReinstate(deps: ReinstateSubmitDeps, refs: TeamsRefs, input: ReinstateSubmitInput): Promise<void> {
  // The card shows the outcome; if it can't be updated the request still goes on (the plan follows in the thread).
  const replace = async (card: Parameters<typeof MessageFactory.attachment>[0]): Promise<void> => {
    const activity = MessageFactory.attachment(card);
    await (refs.submitCardId ? deps.proactive.update(refs.thread, refs.submitCardId, activity) : deps.proactive.send(refs.thread, activity)).catch((err: unknown) =>
      deps.logger?.warn({ err }, 'the reinstatement card could not be updated'),
    );
  };
  let result: Awaited<ReturnType<ReinstatementUseCase['submit']>>;
  try {
    result = await deps.service.reinstatements.submit(input);
  } catch (err) {
    deps.logger?.error({ err }, 'reinstatement submit failed');
    await replace(renderNoticeCard({ title: "The reinstatement couldn't be prepared", text: `Nothing was changed. ${err instanceof Error ? err.message : String(err)}`, tone: 'attention' }));
    return;
  }
  if (!result.ok) {
    await replace(renderNoticeCard({ title: "Can't reinstate", text: /Nothing was changed\.?$/.test(result.reason) ? result.reason : `${result.reason} Nothing was changed.`, tone: 'attention' }));
    return;
  }
  await replace(submittedNotice(result.request));
  await deps.notifier.requested(result.request);
}
