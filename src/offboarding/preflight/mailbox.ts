// The leaver's mailbox through Exchange's Get-* cmdlets (InvokeCommand output uses the cmdlets' property names), and
// whether the inheritor has one. All cmdlets start at once; "no mailbox" from Get-Mailbox makes the others moot.
import { M365Error } from '../../m365/errors';
import type { ExchangePort } from '../../m365/ports';
import type { InboxRuleInfo, MailboxInfo, MobileDeviceInfo } from '../snapshot';
import type { ReadWarnings } from './reads';

/** Exchange's answer when the identity has no mailbox: ManagementObjectNotFoundException, "… couldn't be found …". */
export function isNoMailbox(err: unknown): boolean {
  return err instanceof M365Error && err.service === 'exchange' && (err.code === 'ManagementObjectNotFoundException' || /couldn't be found/i.test(err.message));
}

/** Exchange's ByteQuantifiedSize text, "12.34 GB (13,249,974,272 bytes)" → 13249974272. */
export function parseByteQuantifiedSize(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  const m = typeof value === 'string' ? /\(([\d,.\s]+)\s*bytes\)/i.exec(value) : null;
  if (!m) {
    return undefined;
  }
  const bytes = Number(m[1]!.replace(/[,.\s]/g, ''));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * One recipient of ForwardTo / RedirectTo / ForwardAsAttachmentTo. Exchange writes `"Name" [SMTP:x@y]` for addresses
 * and `"Name" [EX:/o=ExchangeLabs/…]` for recipients in the organisation (no SMTP address: the name stands for it).
 */
export function parseRecipient(text: string): string {
  const smtp = /\[SMTP:([^\]]+)\]/i.exec(text);
  if (smtp) {
    return smtp[1]!.trim();
  }
  const quoted = /^"([^"]*)"/.exec(text.trim());
  if (quoted && /\[EX:/i.test(text)) {
    return quoted[1]!;
  }
  return text.trim().replace(/^smtp:/i, '');
}

export function isExternalAddress(address: string, tenantDomains: string[]): boolean {
  const at = address.lastIndexOf('@');
  if (at === -1) {
    return false; // an organisation recipient shown by name
  }
  const domain = address.slice(at + 1).toLowerCase();
  return !tenantDomains.some((d) => d.toLowerCase() === domain);
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') {
    return v === '' ? [] : [v];
  }
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

interface RawRule {
  Identity?: string;
  RuleIdentity?: string | number;
  Name?: string;
  ForwardTo?: unknown;
  RedirectTo?: unknown;
  ForwardAsAttachmentTo?: unknown;
}

/**
 * The system rules Get-InboxRule -IncludeHidden also lists: the junk e-mail rule and the Microsoft.Exchange.OOF.*
 * rules that carry the automatic reply. Get-InboxRule has no property saying so: known by name (as published
 * hidden-rule audits do; names in other languages unverified). A rule named like one that forwards or redirects
 * mail is not one: system rules never do.
 */
export function isSystemInboxRule(name: string, forwardsTo: string[]): boolean {
  return forwardsTo.length === 0 && /^(Junk E-?mail Rule|Microsoft\.Exchange\.OOF\..+)$/i.test(name.trim());
}

export function toInboxRule(r: RawRule, tenantDomains: string[], hidden = false): InboxRuleInfo {
  const forwardsTo = [...new Set([...strings(r.ForwardTo), ...strings(r.RedirectTo), ...strings(r.ForwardAsAttachmentTo)].map(parseRecipient))];
  const identity = r.Identity ?? String(r.RuleIdentity ?? r.Name ?? '');
  const name = r.Name ?? identity;
  return {
    identity,
    name,
    forwardsTo,
    external: forwardsTo.some((a) => isExternalAddress(a, tenantDomains)),
    ...(hidden ? { hidden: true } : {}),
    ...(isSystemInboxRule(name, forwardsTo) ? { system: true } : {}),
  };
}

/**
 * Every rule, hidden ones included (Get-InboxRule -IncludeHidden), each flagged hidden when the plain Get-InboxRule
 * (`visible`; undefined when it could not be read) did not list it, and system rules flagged.
 */
export function toInboxRules(all: RawRule[], visible: RawRule[] | undefined, tenantDomains: string[]): InboxRuleInfo[] {
  const key = (r: RawRule): string => String(r.RuleIdentity ?? r.Identity ?? r.Name ?? '');
  const shown = new Set(visible?.map(key));
  return all.map((r) => toInboxRule(r, tenantDomains, visible !== undefined && !shown.has(key(r))));
}

export interface RawMobileDevice {
  Identity?: string;
  Guid?: string;
  FriendlyName?: string | null;
  DeviceModel?: string | null;
  DeviceType?: string | null;
  ClientType?: string | null;
}

export function toMobileDevice(d: RawMobileDevice): MobileDeviceInfo {
  const identity = d.Identity ?? d.Guid ?? '';
  // Outlook for iOS and Android shows up with ClientType and DeviceType "Outlook" (EAS phones: ClientType "EAS").
  const outlookApp = d.ClientType === 'Outlook' || d.DeviceType === 'Outlook';
  return { identity, friendlyName: d.FriendlyName || d.DeviceModel || d.DeviceType || identity, ...(outlookApp ? { outlookApp } : {}) };
}

interface RawMailbox {
  RecipientTypeDetails?: string;
  LitigationHoldEnabled?: boolean;
  ForwardingSmtpAddress?: string | null;
  ForwardingAddress?: string | null;
  HiddenFromAddressListsEnabled?: boolean;
  IsExchangeCloudManaged?: boolean | null;
  ArchiveStatus?: string | null;
}

interface RawCas {
  ActiveSyncEnabled?: boolean;
  PopEnabled?: boolean;
  ImapEnabled?: boolean;
}

/** The first object a Get-* cmdlet returned; none is an unexpected answer. */
async function one<T>(p: Promise<{ value: T[] }>): Promise<T> {
  const { value } = await p;
  if (value[0] === undefined) {
    throw new TypeError('Exchange answered without an object');
  }
  return value[0];
}

/**
 * null: no Exchange Online mailbox; undefined: Get-Mailbox could not be read (a warning says why). A detail that
 * fails (statistics, rules, protocols, phones) leaves only that detail undefined.
 */
export async function readMailbox(exchange: ExchangePort, upn: string, tenantDomains: string[], warnings: ReadWarnings): Promise<MailboxInfo | null | undefined> {
  const run = <T>(cmdlet: string, parameters: Record<string, unknown>): Promise<{ value: T[] }> => exchange.invoke<T>(cmdlet, parameters, upn);
  const mailboxP = one(run<RawMailbox>('Get-Mailbox', { Identity: upn }));
  // Started together; each settles on its own so one failure does not hide the others.
  const details = Promise.allSettled([
    one(run<{ TotalItemSize?: unknown }>('Get-MailboxStatistics', { Identity: upn })),
    // Hidden rules only with -IncludeHidden (attackers hide forwarding rules); the plain list tells which are hidden.
    run<RawRule>('Get-InboxRule', { Mailbox: upn, IncludeHidden: true }),
    one(run<RawCas>('Get-CASMailbox', { Identity: upn })),
    run<RawMobileDevice>('Get-MobileDevice', { Mailbox: upn }),
    run<RawRule>('Get-InboxRule', { Mailbox: upn }),
  ]);
  let mailbox: RawMailbox;
  try {
    mailbox = await mailboxP;
  } catch (err) {
    await details;
    return isNoMailbox(err) ? null : warnings.add('mailbox (Get-Mailbox)', err);
  }
  const [stats, rules, cas, phones, visibleRules] = await details;
  const detail = <T, R>(what: string, r: PromiseSettledResult<T>, map: (v: T) => R): R | undefined => {
    if (r.status === 'rejected') {
      return warnings.add(what, r.reason);
    }
    try {
      return map(r.value);
    } catch (err) {
      return warnings.add(what, err);
    }
  };
  const size = detail('mailbox size (Get-MailboxStatistics)', stats, (s) => {
    const bytes = parseByteQuantifiedSize(s.TotalItemSize);
    if (bytes === undefined) {
      throw new TypeError(`Unreadable TotalItemSize: ${JSON.stringify(s.TotalItemSize)}`);
    }
    return bytes;
  });
  const visible = rules.status === 'fulfilled' ? detail('which inbox rules are hidden (Get-InboxRule without -IncludeHidden)', visibleRules, (r) => r.value) : undefined;
  const inboxRules = detail('inbox rules (Get-InboxRule)', rules, (r) => toInboxRules(r.value, visible, tenantDomains));
  const protocols = detail('mail protocols (Get-CASMailbox)', cas, (c) => ({ activeSync: c.ActiveSyncEnabled === true, pop: c.PopEnabled === true, imap: c.ImapEnabled === true }));
  const mobileDevices = detail('mobile devices (Get-MobileDevice)', phones, (p) => p.value.map(toMobileDevice));
  return {
    recipientTypeDetails: mailbox.RecipientTypeDetails ?? 'Unknown',
    litigationHoldEnabled: mailbox.LitigationHoldEnabled === true,
    ...(mailbox.ForwardingSmtpAddress ? { forwardingSmtpAddress: mailbox.ForwardingSmtpAddress } : {}),
    ...(mailbox.ForwardingAddress ? { forwardingAddress: mailbox.ForwardingAddress } : {}),
    hiddenFromAddressLists: mailbox.HiddenFromAddressListsEnabled === true,
    ...(mailbox.IsExchangeCloudManaged === true ? { exchangeCloudManaged: true } : {}),
    archiveActive: mailbox.ArchiveStatus === 'Active',
    ...(size !== undefined ? { totalItemSizeBytes: size } : {}),
    ...(inboxRules !== undefined ? { inboxRules } : {}),
    ...(protocols !== undefined ? { protocols } : {}),
    ...(mobileDevices !== undefined ? { mobileDevices } : {}),
  };
}

/**
 * Whether the inheritor has an Exchange Online mailbox. Unreadable → assumed yes, with a warning: a read failure must
 * not refuse the plan; FullAccess then fails at run time with Exchange's own error.
 */
export async function inheritorHasMailbox(exchange: ExchangePort, upn: string, warnings: ReadWarnings): Promise<boolean> {
  try {
    await one(exchange.invoke('Get-Mailbox', { Identity: upn }, upn));
    return true;
  } catch (err) {
    if (isNoMailbox(err)) {
      return false;
    }
    warnings.add("inheritor's mailbox (Get-Mailbox)", err);
    return true;
  }
}
