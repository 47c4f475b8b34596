// Hybrid (on-premises synced) leavers: every cloud write Microsoft refuses for a synced object is planned as skipped,
// and becomes a follow-up naming the Active Directory attribute or action IT must change instead. Pure, like the
// planner that calls it (planner.ts handles block sign-in and the password with containment).
//
// What is refused (Microsoft's documentation; DOMAIN.md "Pitfalls"):
// - Entra ID: the account is mastered on-premises: accountEnabled, the password, and deleting the user.
// - Exchange Online: the Exchange attributes Entra Connect synchronizes ("Attributes synchronized to Microsoft Entra
//   ID", Exchange Online): msExchHideFromAddressLists (HiddenFromAddressListsEnabled) and altRecipient
//   (ForwardingAddress). ForwardingSmtpAddress (msExchGenericForwardingAddress) and deliverAndRedirect are not
//   synchronized, and mailbox data (automatic replies, rules, permissions, holds) lives in Exchange Online.
//   A mailbox whose Get-Mailbox IsExchangeCloudManaged is true has its Exchange attributes managed in the cloud
//   (2025; unverified against a tenant): those writes are accepted and nothing is skipped for them.
// - Converting the mailbox to shared works in the cloud, but on-premises still holds a user mailbox, and a later sync
//   can turn it back ("Convert a user mailbox to a shared mailbox", hybrid section): a follow-up, not a skip.
import type { OffboardingOptions } from '../options';
import type { FollowUp, PlannedStep, PlanWarning, StepKind, Target } from '../plan';
import type { LeaverSnapshot } from '../snapshot';

/** The part of the planner's step drafts this module reads and changes. */
export interface HybridDraft {
  title: string;
  params?: PlannedStep['params'];
  targets?: Target[];
  skip?: string;
  readAtRun?: boolean;
}

/** Step parameter: Set-Mailbox clears only the forwarding Exchange Online masters (not ForwardingAddress). */
export const CLOUD_FORWARDING_ONLY = 'cloudForwardingOnly';

export const EXCHANGE_ON_PREMISES = 'synced from on-premises AD, which manages its Exchange attributes (IsExchangeCloudManaged false): change it there';

/**
 * Whether on-premises AD masters the leaver's Exchange attributes: a synced user whose Get-Mailbox does not report
 * IsExchangeCloudManaged true. undefined: synced, but the mailbox could not be read (the steps try; a refusal is then
 * a skip with a follow-up, see steps/exchange-mailbox.ts).
 */
export function exchangeAttributesOnPremises(leaver: LeaverSnapshot): boolean | undefined {
  if (!leaver.onPremisesSyncEnabled || leaver.mailbox === null) {
    return false;
  }
  return leaver.mailbox === undefined ? undefined : leaver.mailbox.exchangeCloudManaged !== true;
}

/** The follow-up when hiding from the address lists is left to AD (the plan's skip, or Exchange's refusal at run time). */
export function hideInAdFollowUp(name: string, upn: string): FollowUp {
  return { message: `Hide ${name} from the address lists in on-premises AD: set msExchHideFromAddressLists to TRUE (Exchange Management Shell: Set-RemoteMailbox ${upn} -HiddenFromAddressListsEnabled $true), then let it sync.` };
}

const runs = (d: HybridDraft | undefined): d is HybridDraft => d !== undefined && d.skip === undefined;

/** Adjusts the drafted steps of a synced leaver; nothing for a cloud-only one. */
export function planHybrid(leaver: LeaverSnapshot, options: OffboardingOptions, drafts: Map<StepKind, HybridDraft>, warnings: PlanWarning[], followUps: FollowUp[]): void {
  if (!leaver.onPremisesSyncEnabled) {
    return;
  }
  const { displayName: name, userPrincipalName: upn } = leaver;
  const leftToAd: string[] = [];

  // Entra refuses deleting a synced user in the cloud: it is deleted in AD, and the next sync deletes it here.
  const del = drafts.get('delete-account');
  if (options.deleteAccount && runs(del)) {
    del.skip = 'synced from on-premises AD: Entra ID refuses deleting it in the cloud';
    leftToAd.push('deleting the account');
    followUps.push({ message: `Delete ${upn} in on-premises Active Directory (or move it out of the sync scope): Entra ID deletes the account at the next sync.` });
  }

  const onPremises = exchangeAttributesOnPremises(leaver);
  const mailbox = leaver.mailbox ?? undefined;

  const hide = drafts.get('hide-from-address-list');
  if (onPremises === true && runs(hide)) {
    hide.skip = EXCHANGE_ON_PREMISES;
    leftToAd.push('hiding from the address lists');
    followUps.push(hideInAdFollowUp(name, upn));
  }

  // Forwarding: ForwardingAddress (altRecipient) is mastered on-premises and, when set, wins over ForwardingSmtpAddress
  // (Set-Mailbox reference); the cloud forwarding can still be cleared or set here.
  const altRecipient = mailbox?.forwardingAddress;
  const clearAltRecipient = (why: string): FollowUp => ({
    message: `Remove ${name}'s forwarding to ${altRecipient ?? 'another recipient'} in on-premises AD: clear altRecipient (ForwardingAddress) and deliverAndRedirect, then let it sync${why}.`,
  });
  const forwarding = drafts.get('mail-forwarding');
  if (onPremises !== false && runs(forwarding)) {
    if (options.forwardToInheritor) {
      if (onPremises === true && altRecipient) {
        followUps.push(clearAltRecipient(': while it is set, Exchange ignores the forwarding to the inheritor'));
      }
    } else if (onPremises === true && altRecipient && !mailbox?.forwardingSmtpAddress) {
      forwarding.skip = `${EXCHANGE_ON_PREMISES} (its forwarding is altRecipient)`;
      leftToAd.push('removing the forwarding');
      followUps.push(clearAltRecipient(''));
    } else {
      forwarding.params = { ...forwarding.params, [CLOUD_FORWARDING_ONLY]: true };
      if (onPremises === true && altRecipient) {
        followUps.push(clearAltRecipient(''));
      } else if (onPremises === undefined) {
        followUps.push({ message: `Check ${name}'s forwarding (altRecipient) in on-premises AD: the bot clears only the cloud forwarding of a synced user whose mailbox it couldn't read.` });
      }
    }
  }

  if (onPremises === true && runs(drafts.get('convert-to-shared'))) {
    followUps.push({
      message: `Mark ${name}'s remote mailbox as shared on-premises (Exchange Management Shell, Exchange 2013 CU21 / 2016 CU10 or later: Set-RemoteMailbox ${upn} -Type Shared): otherwise a later sync can turn it back into a user mailbox, which Exchange deletes 30 days after its licences are removed.`,
    });
  }

  if (leftToAd.length > 0) {
    warnings.push({
      code: 'synced-user',
      message: `${name} is synced from on-premises AD${onPremises === true ? ', which also manages the Exchange attributes' : ''}: ${leftToAd.join(', ')} ${leftToAd.length === 1 ? 'is' : 'are'} left to IT (see the follow-ups).`,
    });
  }
}
