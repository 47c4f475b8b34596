// The inheritor's FullAccess and SendAs on the reinstated person's mailbox are removed. Read first: no explicit grant
// is already gone (nothing written); Exchange's "the ACE doesn't exist" on the removal means the same.
import { M365Error } from '../../../m365/errors';
import { forEachTarget, type StepContext, type StepRunner, type TargetOutcome } from '../context';
import { ALREADY_GONE, readOrUndefined } from './shared';

// "Can't remove the access control entry on the object … because the ACE doesn't exist on the object." (a missing
// mailbox, "couldn't be found", stays a failure)
const NO_SUCH_ENTRY = /ACE (doesn't|does not) exist|(doesn't|does not) exist on the object/i;

function noSuchEntry(error: M365Error): TargetOutcome {
  return NO_SUCH_ENTRY.test(`${error.code} ${error.message}`) ? { status: 'done', detail: ALREADY_GONE } : { status: 'failed', error };
}

const rights = (r: unknown): string[] => (Array.isArray(r) ? r.map(String) : typeof r === 'string' ? r.split(/[,\s]+/) : []);

interface Grant {
  AccessRights?: unknown;
  IsInherited?: boolean;
  Deny?: boolean;
  AccessControlType?: string;
}

/** An explicit Allow grant of `right` among the entries read; undefined when the read failed. */
function holds(value: Grant[] | undefined, right: string): boolean | undefined {
  return value?.some((g) => rights(g.AccessRights).includes(right) && g.IsInherited !== true && g.Deny !== true && g.AccessControlType !== 'Deny');
}

async function removeGrant(ctx: StepContext, read: { cmdlet: string; parameters: Record<string, unknown> }, right: string, remove: { cmdlet: string; parameters: Record<string, unknown> }): Promise<void> {
  const upn = ctx.people.leaver.userPrincipalName;
  await forEachTarget(
    ctx,
    ctx.step.targets,
    async () => {
      const now = await readOrUndefined(() => ctx.exchange.invoke<Grant>(read.cmdlet, { Identity: upn, ...read.parameters }, upn));
      if (holds(now?.value, right) === false) {
        return ALREADY_GONE;
      }
      const answer = await ctx.exchange.invoke(remove.cmdlet, { Identity: upn, ...remove.parameters, Confirm: false }, upn);
      // Exchange warns rather than fails when the entry to remove isn't there.
      return answer.warnings.some((w) => NO_SUCH_ENTRY.test(w)) ? ALREADY_GONE : `${right} removed`;
    },
    noSuchEntry,
  );
}

export const removeFullAccess: StepRunner = (ctx) => {
  const inheritor = ctx.people.inheritor.userPrincipalName;
  return removeGrant(
    ctx,
    { cmdlet: 'Get-MailboxPermission', parameters: { User: inheritor } },
    'FullAccess',
    { cmdlet: 'Remove-MailboxPermission', parameters: { User: inheritor, AccessRights: ['FullAccess'], InheritanceType: 'All' } },
  );
};

export const removeSendAs: StepRunner = (ctx) => {
  const inheritor = ctx.people.inheritor.userPrincipalName;
  return removeGrant(
    ctx,
    { cmdlet: 'Get-RecipientPermission', parameters: { Trustee: inheritor, AccessRights: ['SendAs'] } },
    'SendAs',
    { cmdlet: 'Remove-RecipientPermission', parameters: { Trustee: inheritor, AccessRights: ['SendAs'] } },
  );
};
