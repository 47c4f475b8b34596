// Whether the inheritor already held a right on the leaver's mailbox before the offboarding granted it: an explicit,
// allowing entry (not inherited, not Deny). A read that fails counts as "no": the grant goes ahead (it is idempotent).
import { M365Error } from '../../m365/errors';
import type { StepContext } from './context';

interface Entry {
  AccessRights?: string[] | string;
  Deny?: boolean;
  IsInherited?: boolean;
}

export async function alreadyHad(ctx: StepContext, cmdlet: 'Get-MailboxPermission' | 'Get-RecipientPermission', parameters: Record<string, unknown>, right: string): Promise<boolean> {
  try {
    const { value } = await ctx.exchange.invoke<Entry>(cmdlet, parameters, ctx.people.leaver.userPrincipalName);
    return value.some((e) => !e.Deny && !e.IsInherited && [e.AccessRights ?? []].flat().some((r) => String(r).toLowerCase() === right.toLowerCase()));
  } catch (err) {
    if (err instanceof M365Error) {
      return false;
    }
    throw err;
  }
}
