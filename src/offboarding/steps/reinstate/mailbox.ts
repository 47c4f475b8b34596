// The reinstated person's mailbox back as it was: a user mailbox again, shown in the address lists, ActiveSync / POP /
// IMAP as before. Each reads the mailbox first and writes only what differs; a failed read does not block the write.
import { M365Error } from '../../../m365/errors';
import { isMailboxPlan, type RawSku } from '../../preflight/licences';
import { forEachTarget, type StepContext, type StepRunner, type TargetOutcome } from '../context';
import { onPremisesIsSkipped } from '../exchange-mailbox';
import { ALREADY_BACK, readOrUndefined } from './shared';

async function firstOf<T>(ctx: StepContext, cmdlet: string): Promise<T | undefined> {
  const upn = ctx.people.leaver.userPrincipalName;
  const read = await readOrUndefined(() => ctx.exchange.invoke<T>(cmdlet, { Identity: upn }, upn));
  return read?.value[0];
}

function onMailbox(ctx: StepContext, act: (upn: string) => Promise<string>, interpret?: (error: M365Error) => TargetOutcome): Promise<void> {
  return forEachTarget(ctx, ctx.step.targets, () => act(ctx.people.leaver.userPrincipalName), interpret);
}

export const mailboxToRegular: StepRunner = (ctx) =>
  onMailbox(ctx, async (upn) => {
    const mailbox = await firstOf<{ RecipientTypeDetails?: string }>(ctx, 'Get-Mailbox');
    if (mailbox?.RecipientTypeDetails === 'UserMailbox') {
      return ALREADY_BACK;
    }
    // A user mailbox needs an Exchange Online licence (an unlicensed one is disabled after 30 days): the licence steps
    // only come first (one SKU without a seat must not hold the mailbox back), so the licence is checked here.
    await untilLicensed(ctx);
    await ctx.exchange.invoke('Set-Mailbox', { Identity: upn, Type: 'Regular' }, upn);
    return untilUserMailbox(ctx, upn);
  });

interface LicenceRead {
  licenseAssignmentStates?: Array<{ skuId: string; disabledPlans?: string[] | null; state?: string | null }> | null;
}

/**
 * Waits until the person holds an active licence with an Exchange Online mailbox plan (a licence through a group can
 * take a while to apply). Unreadable: Exchange decides. None by the deadline: the step fails, naming why.
 */
async function untilLicensed(ctx: StepContext): Promise<void> {
  const { sharedPollInitialMs, sharedPollMaxMs, sharedPollTimeoutMs } = ctx.settings;
  const deadline = ctx.now() + sharedPollTimeoutMs;
  let wait = sharedPollInitialMs;
  for (;;) {
    const [user, skus] = await ctx.graph.batch<unknown>([
      { method: 'GET', url: `/users/${encodeURIComponent(ctx.people.leaver.id)}?$select=licenseAssignmentStates` },
      { method: 'GET', url: '/subscribedSkus?$select=skuId,servicePlans' },
    ]);
    if (user instanceof M365Error || skus instanceof M365Error || !user || !skus) {
      return;
    }
    const plans = new Map(((skus.body as { value?: RawSku[] }).value ?? []).map((s) => [s.skuId.toLowerCase(), s.servicePlans ?? []]));
    const licensed = ((user.body as LicenceRead).licenseAssignmentStates ?? []).some((a) => {
      const disabled = new Set((a.disabledPlans ?? []).map((p) => p.toLowerCase()));
      return !['Disabled', 'Error'].includes(a.state ?? 'Active') && (plans.get(a.skuId.toLowerCase()) ?? []).some((p) => !disabled.has(p.servicePlanId.toLowerCase()) && isMailboxPlan(p.servicePlanName ?? ''));
    });
    if (licensed) {
      return;
    }
    if (ctx.now() + wait > deadline) {
      throw new M365Error({ service: 'graph', status: 409, code: 'NoExchangeLicence', message: `${ctx.people.leaver.displayName} holds no licence with an Exchange Online mailbox plan, so the mailbox stays shared: assign one, then retry` });
    }
    await ctx.sleep(wait);
    wait = Math.min(sharedPollMaxMs, Math.round(wait * 1.5));
  }
}

/**
 * Exchange converts a mailbox some time after accepting the change: done only once Get-Mailbox reports a user mailbox
 * (polled like the offboarding's wait for a shared one, with the same settings).
 */
async function untilUserMailbox(ctx: StepContext, upn: string): Promise<string> {
  const { sharedPollInitialMs, sharedPollMaxMs, sharedPollTimeoutMs } = ctx.settings;
  const deadline = ctx.now() + sharedPollTimeoutMs;
  let wait = sharedPollInitialMs;
  for (let polls = 1; ; polls++) {
    const { value } = await ctx.exchange.invoke<{ RecipientTypeDetails?: string }>('Get-Mailbox', { Identity: upn }, upn);
    const type = value[0]?.RecipientTypeDetails;
    if (type === 'UserMailbox') {
      return `a user mailbox again (reported by Exchange after ${polls} ${polls === 1 ? 'check' : 'checks'})`;
    }
    if (ctx.now() + wait > deadline) {
      throw new M365Error({ service: 'exchange', status: 408, code: 'MailboxNotUserYet', message: `Exchange accepted the change but still reports ${type ?? 'no mailbox type'} after ${Math.round(sharedPollTimeoutMs / 60000)} min: check the mailbox`, cmdlet: 'Get-Mailbox' });
    }
    await ctx.sleep(wait);
    wait = Math.min(sharedPollMaxMs, Math.round(wait * 1.5));
  }
}

/** As the hide step's: on-premises AD masters msExchHideFromAddressLists for a synced mailbox. */
export function showInAdFollowUp(name: string, upn: string): string {
  return `Show ${name} in the address lists in on-premises AD: set msExchHideFromAddressLists to FALSE (Exchange Management Shell: Set-RemoteMailbox ${upn} -HiddenFromAddressListsEnabled $false), then let it sync.`;
}

export const showInAddressList: StepRunner = (ctx) => {
  const { displayName, userPrincipalName } = ctx.people.leaver;
  return onMailbox(
    ctx,
    async (upn) => {
      const mailbox = await firstOf<{ HiddenFromAddressListsEnabled?: boolean }>(ctx, 'Get-Mailbox');
      if (mailbox?.HiddenFromAddressListsEnabled === false) {
        return ALREADY_BACK;
      }
      await ctx.exchange.invoke('Set-Mailbox', { Identity: upn, HiddenFromAddressListsEnabled: false }, upn);
      return 'shown in the address lists';
    },
    onPremisesIsSkipped(showInAdFollowUp(displayName, userPrincipalName)),
  );
};

const PROTOCOLS = [
  ['activeSync', 'ActiveSyncEnabled'],
  ['pop', 'PopEnabled'],
  ['imap', 'ImapEnabled'],
] as const;

/** Params activeSync / pop / imap: the values before the offboarding (one not given is left as it is). */
export const restoreMobileProtocols: StepRunner = (ctx) =>
  onMailbox(ctx, async (upn) => {
    const wanted: Record<string, boolean> = {};
    for (const [param, field] of PROTOCOLS) {
      const value = ctx.step.params?.[param];
      if (typeof value === 'boolean') {
        wanted[field] = value;
      }
    }
    const now = await firstOf<Record<string, unknown>>(ctx, 'Get-CASMailbox');
    const differs = Object.entries(wanted).filter(([field, value]) => now?.[field] !== value);
    if (differs.length === 0) {
      return ALREADY_BACK;
    }
    await ctx.exchange.invoke('Set-CASMailbox', { Identity: upn, ...Object.fromEntries(differs) }, upn);
    return `${differs.map(([field, value]) => `${field.replace(/Enabled$/, '')} ${value ? 'on' : 'off'}`).join(', ')}`;
  });
