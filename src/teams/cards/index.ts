// Typed render functions, one per template in this folder. Handlers never touch card JSON directly.
import type { Attachment } from 'botbuilder';
import { LIMITS } from '../../offboarding/limits';
import type { OffboardingOptions } from '../../offboarding/options';
import { cardAttachment, templateParts, withBody } from './render';
import type {
  ApprovalCardData,
  BatchProgressCardData,
  BatchSummaryCardData,
  BatchApprovalCardData,
  BatchRequestCardData,
  CandidatesCardData,
  DecidedCardData,
  NoticeCardData,
  PassCardData,
  PassReadyCardData,
  PlanCardData,
  ProgressCardData,
  ReinstateCardData,
  RequestCardData,
  StatusCardData,
  SummaryCardData,
} from './types';
import helpTemplate from './help.json';
import requestTemplate from './request.json';
import candidatesTemplate from './candidates.json';
import noticeTemplate from './notice.json';
import planTemplate from './plan.json';
import approvalTemplate from './approval.json';
import decidedTemplate from './decided.json';
import progressTemplate from './progress.json';
import summaryTemplate from './summary.json';
import statusTemplate from './status.json';
import reinstateTemplate from './reinstate.json';
import passReadyTemplate from './pass-ready.json';
import passTemplate from './pass.json';
import batchProgressTemplate from './batch-progress.json';
import batchSummaryTemplate from './batch-summary.json';
import batchRequestTemplate from './batch-request.json';
import batchApprovalTemplate from './batch-approval.json';

export interface HelpCardData {
  commands: { usage: string; description: string }[];
}

export function renderHelpCard(data: HelpCardData): Attachment {
  return cardAttachment(helpTemplate, data);
}

// The request card's options, grouped under headings. Every boolean option must have a group (a new option fails to
// compile until it is placed); a toggle id not listed here still renders, under "Other".
type ToggleId = { [K in keyof OffboardingOptions]-?: OffboardingOptions[K] extends boolean ? K : never }[keyof OffboardingOptions];
type ToggleGroupKey = 'mailbox' | 'access' | 'devices' | 'account' | 'other';

const TOGGLE_GROUP_HEADINGS: Record<ToggleGroupKey, string> = {
  mailbox: 'Mailbox and OneDrive',
  access: 'Access',
  devices: 'Devices',
  account: 'Licences and account',
  other: 'Other',
};

const TOGGLE_GROUP: Record<ToggleId, ToggleGroupKey> = {
  litigationHold: 'mailbox',
  convertToShared: 'mailbox',
  grantFullAccess: 'mailbox',
  grantSendAs: 'mailbox',
  autoReply: 'mailbox',
  forwardToInheritor: 'mailbox',
  clearForwardingAndInboxRules: 'mailbox',
  disableMobileProtocols: 'mailbox',
  hideFromAddressList: 'mailbox',
  oneDriveAccess: 'mailbox',
  cancelMeetings: 'mailbox',
  leaveGroups: 'access',
  removeFromRoleAssignableGroups: 'access',
  revokeOAuthGrants: 'access',
  removeMfaMethods: 'access',
  disableEntraDevices: 'devices',
  removeLicences: 'account',
  deleteAccount: 'account',
};

/** The template places the auto-reply text in the mailbox group and the Intune choice in the devices group, so those
 *  two groups show even without toggles. */
function toggleGroups(toggles: RequestCardData['toggles']) {
  const groupOf = (id: string): ToggleGroupKey => (TOGGLE_GROUP as Partial<Record<string, ToggleGroupKey>>)[id] ?? 'other';
  return (Object.keys(TOGGLE_GROUP_HEADINGS) as ToggleGroupKey[])
    .map((key) => ({ key, heading: TOGGLE_GROUP_HEADINGS[key], toggles: toggles.filter((t) => groupOf(t.id) === key) }))
    .filter((g) => g.toggles.length > 0 || g.key === 'mailbox' || g.key === 'devices');
}

/** The inputs' `maxLength` in the templates (`${$root.maxLength.*}`): the limits the server checks, one source. */
const maxLength = LIMITS;

export function renderRequestCard(d: RequestCardData): Attachment {
  return cardAttachment(requestTemplate, { ...d, toggleGroups: toggleGroups(d.toggles), maxLength });
}

export function renderCandidatesCard(d: CandidatesCardData): Attachment {
  return cardAttachment(candidatesTemplate, d);
}

export function renderNoticeCard(d: NoticeCardData): Attachment {
  return cardAttachment(noticeTemplate, d);
}

// The plan's parts (header, facts, steps, warnings) are the body of the approval and decided cards; the header, facts
// and steps also make up most of the progress and summary cards. Composed once, expanded per render.
const plan = templateParts(planTemplate);
const progress = templateParts(progressTemplate);
const summary = templateParts(summaryTemplate);

// A re-approval's "what changed since the approval" comes first after the header, before the plan it changed.
const approvalChanges = templateParts(approvalTemplate)('changes');
const approvalCard = withBody(approvalTemplate, [plan('header'), approvalChanges, ...planTemplate.body.filter((e) => e !== plan('header')), ...approvalTemplate.body.filter((e) => e !== approvalChanges)]);
const decidedCard = withBody(decidedTemplate, [...planTemplate.body, ...decidedTemplate.body]);
const progressCard = withBody(progressTemplate, [plan('header'), progress('status'), plan('steps')]);
const summaryCard = withBody(summaryTemplate, [plan('header'), summary('outcome'), plan('facts'), plan('steps'), summary('leftInPlace'), summary('notRestored'), summary('followUps')]);

export function renderPlanCard(d: PlanCardData): Attachment {
  return cardAttachment(planTemplate, d);
}

export function renderApprovalCard(d: ApprovalCardData): Attachment {
  return cardAttachment(approvalCard, { ...d, maxLength });
}

export function renderDecidedCard(d: DecidedCardData): Attachment {
  return cardAttachment(decidedCard, d);
}

export function renderProgressCard(d: ProgressCardData): Attachment {
  return cardAttachment(progressCard, d);
}

export function renderSummaryCard(d: SummaryCardData): Attachment {
  return cardAttachment(summaryCard, d);
}

export function renderStatusCard(d: StatusCardData): Attachment {
  return cardAttachment(statusTemplate, d);
}

export function renderReinstateCard(d: ReinstateCardData): Attachment {
  return cardAttachment(reinstateTemplate, { ...d, maxLength });
}

export function renderPassReadyCard(d: PassReadyCardData): Attachment {
  return cardAttachment(passReadyTemplate, d);
}

/** The pass itself: only ever the invoke answer to its requester's click (actions/show-pass.ts). */
export function renderPassCard(d: PassCardData): Attachment {
  return cardAttachment(passTemplate, d);
}

// Batches (issue 15)

/** A batch's progress card (and `status <batch id>`): a line per leaver and the counts. Sized by batch-view.ts. */
export function renderBatchProgressCard(d: BatchProgressCardData): Attachment {
  return cardAttachment(batchProgressTemplate, d);
}

/** A batch's summary in SUMMARY_CHANNEL_ID: each leaver's outcome and `status <id>`. Sized by batch-view.ts. */
export function renderBatchSummaryCard(d: BatchSummaryCardData): Attachment {
  return cardAttachment(batchSummaryTemplate, d);
}

// The options once for the whole batch: the single request card's options container (toggle groups, auto-reply text,
// Intune choice), the same input ids, so the same schema validates them.
const batchRequestCard = withBody(batchRequestTemplate, [...batchRequestTemplate.body, templateParts(requestTemplate)('options')]);

export function renderBatchRequestCard(d: BatchRequestCardData): Attachment {
  return cardAttachment(batchRequestCard, { ...d, toggleGroups: toggleGroups(d.toggles), maxLength });
}

export function renderBatchApprovalCard(d: BatchApprovalCardData): Attachment {
  return cardAttachment(batchApprovalTemplate, { ...d, maxLength });
}
