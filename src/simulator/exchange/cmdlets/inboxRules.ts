// Get-InboxRule and Remove-InboxRule. A rule's Identity is "<mailbox alias>\<RuleIdentity>"; -Identity also takes the
// rule's name or RuleIdentity together with -Mailbox. Hidden rules (the junk e-mail and Microsoft.Exchange.OOF.* system
// rules, or one hidden from Outlook) are listed only with -IncludeHidden ("The IncludeHidden switch specifies whether
// to include hidden Inbox rules in the results", Get-InboxRule); Remove-InboxRule has no such switch and removes a
// hidden rule named by its identity (unverified against a tenant).
import { exchangeErrors } from '../../errors';
import type { InboxRuleRecord, MailboxRecord } from '../../types';
import { bool, str, requireStr, type CmdletContext, type CmdletDef } from '../context';
import { requireMailbox } from '../recipients';

function ruleObject(mailbox: MailboxRecord, rule: InboxRuleRecord, ownerName: string): Record<string, unknown> {
  return {
    Identity: `${mailbox.Alias}\\${rule.RuleIdentity}`,
    RuleIdentity: rule.RuleIdentity,
    Name: rule.Name,
    Enabled: rule.Enabled,
    Priority: rule.Priority,
    Description: rule.Description,
    From: rule.From,
    SubjectContainsWords: rule.SubjectContainsWords,
    MoveToFolder: rule.MoveToFolder,
    ForwardTo: rule.ForwardTo,
    ForwardAsAttachmentTo: rule.ForwardAsAttachmentTo,
    RedirectTo: rule.RedirectTo,
    DeleteMessage: rule.DeleteMessage,
    MarkAsRead: rule.MarkAsRead,
    StopProcessingRules: false,
    InError: false,
    MailboxOwnerId: ownerName,
  };
}

/** The mailbox and rule an -Identity (and optional -Mailbox) names. */
function locate(ctx: CmdletContext): { mailbox: MailboxRecord; owner: string; rule: InboxRuleRecord | undefined; ruleKey: string | undefined } {
  const identity = str(ctx, 'Identity');
  let mailboxId = str(ctx, 'Mailbox');
  let ruleKey = identity;
  if (identity?.includes('\\')) {
    const at = identity.lastIndexOf('\\');
    mailboxId ??= identity.slice(0, at);
    ruleKey = identity.slice(at + 1);
  }
  if (mailboxId === undefined) {
    throw exchangeErrors.missingParameter(ctx.cmdlet, 'Mailbox');
  }
  const { mailbox, user } = requireMailbox(ctx.state, mailboxId, ctx.server);
  const rule = ruleKey === undefined ? undefined : mailbox.inboxRules.find((r) => r.RuleIdentity === ruleKey || r.Name.toLowerCase() === ruleKey.toLowerCase());
  return { mailbox, owner: user.displayName, rule, ruleKey };
}

const getInboxRule: CmdletDef = {
  name: 'Get-InboxRule',
  parameters: ['Mailbox', 'Identity', 'IncludeHidden', 'BypassScopeCheck', 'SweepRules'],
  run(ctx) {
    const { mailbox, owner, rule, ruleKey } = locate(ctx);
    const includeHidden = bool(ctx, 'IncludeHidden', true) === true;
    if (ruleKey !== undefined) {
      if (!rule || (rule.hidden && !includeHidden)) {
        throw exchangeErrors.objectNotFound(requireStr(ctx, 'Identity'), ctx.server);
      }
      return [ruleObject(mailbox, rule, owner)];
    }
    return mailbox.inboxRules.filter((r) => includeHidden || !r.hidden).map((r) => ruleObject(mailbox, r, owner));
  },
};

const removeInboxRule: CmdletDef = {
  name: 'Remove-InboxRule',
  parameters: ['Identity', 'Mailbox', 'AlwaysDeleteOutlookRulesBlob', 'Force', 'BypassScopeCheck'],
  required: ['Identity'],
  run(ctx) {
    const { mailbox, rule } = locate(ctx);
    if (!rule) {
      throw exchangeErrors.objectNotFound(requireStr(ctx, 'Identity'), ctx.server);
    }
    mailbox.inboxRules = mailbox.inboxRules.filter((r) => r !== rule);
    return [];
  },
};

export const inboxRuleCmdlets = [getInboxRule, removeInboxRule];
