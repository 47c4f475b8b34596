// Sample data for every card template in src/teams/cards, rendered through its typed render function.
// cards.test.ts fails when a template has no sample here, so a new card cannot skip validation.
// The heavy samples are Jane Doe's offboarding (28 steps, 17 groups left in place, 8 warnings): the card size limit
// must hold for her.
import type { Attachment } from 'botbuilder';
import {
  renderApprovalCard,
  renderBatchProgressCard,
  renderBatchSummaryCard,
  renderCandidatesCard,
  renderDecidedCard,
  renderHelpCard,
  renderNoticeCard,
  renderPassCard,
  renderPassReadyCard,
  renderPlanCard,
  renderProgressCard,
  renderReinstateCard,
  renderRequestCard,
  renderStatusCard,
  renderSummaryCard,
} from '../../src/teams/cards';
import type {
  ApprovalCardData,
  BatchProgressCardData,
  CandidatesCardData,
  DecidedCardData,
  Fact,
  PlanCardData,
  ProgressCardData,
  RequestCardData,
  StatusCardData,
  StepLine,
  SummaryCardData,
} from '../../src/teams/cards/types';
import { DEFAULT_OPTIONS, INTUNE_DEVICE_ACTIONS, OPTION_IDS } from '../../src/offboarding/options';
import { fitBatchCard } from '../../src/teams/batch-view';
import { VERBS } from '../../src/teams/verbs';
import { approvalCardData, progressCardData, reinstateCardData, summaryCardData } from '../../src/teams/view';
import { reinstatePlan, reinstatePreview, reinstatementRequest } from './reinstate-samples';
import { batchApprovalCard, batchRequestCard } from '../../src/teams/batch-cards';
import { sampleBatch, sampleBatchRequests } from './batch-samples';

export const JANE_ID = '6f1c2a0e-4b1d-4c55-9f0a-2d7c1e9b8a31';
export const MARCUS_ID = '0b9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
export const REQUEST_ID = 'OFF-2026-0042';

/** "clearForwardingAndInboxRules" → "Clear forwarding and inbox rules". */
const sentence = (id: string): string => id.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());

/** Every boolean option, in card order with its default, as the handlers pass them. */
const toggles: RequestCardData['toggles'] = OPTION_IDS.flatMap((id) => {
  const value = DEFAULT_OPTIONS[id];
  return typeof value === 'boolean' ? [{ id, title: sentence(id), value }] : [];
});

const INTUNE_TITLES: Record<(typeof INTUNE_DEVICE_ACTIONS)[number], string> = {
  'wipe-corporate-retire-personal': 'Wipe corporate devices, retire personal ones',
  'retire-all': 'Retire every device (company data only)',
  leave: 'Leave devices alone',
};

export const REQUEST: RequestCardData = {
  verb: VERBS.submit,
  leaver: { id: JANE_ID, title: 'Jane Doe (jane.doe@contoso.com)', detail: 'Senior Account Executive · Sales' },
  inheritorChoices: [
    { title: 'Marcus Reed, manager (marcus.reed@contoso.com)', value: MARCUS_ID },
    { title: 'Tom Alvarez (tom.alvarez@contoso.com)', value: 'f19ea5c6-87bc-595b-ac6e-b71a304132c5' },
    { title: 'Someone else… (search below)', value: 'someone-else' },
  ],
  inheritorDefault: MARCUS_ID,
  toggles,
  intuneDevices: {
    value: DEFAULT_OPTIONS.intuneDevices,
    choices: INTUNE_DEVICE_ACTIONS.map((value) => ({ title: INTUNE_TITLES[value], value })),
  },
  autoReplyPlaceholder: 'Default: "Jane Doe no longer works here. Please contact <inheritor>, who is taking over."',
  today: '2026-11-27',
  timeZoneNote: 'Effective date and time are in your time zone (Europe/London); leave them empty to start as soon as it is approved.',
};

const STEP_TITLES = [
  'Block sign-in',
  'Reset the password to a random one',
  'Revoke sign-in sessions',
  'Put the mailbox on litigation hold',
  'Convert the mailbox to shared',
  'Wait for the mailbox to become shared',
  'Give Marcus Reed full access to the mailbox (automapped)',
  'Give Marcus Reed send-as on the mailbox',
  'Turn on an automatic reply naming Marcus Reed',
  'Remove mail forwarding to jane.doe.home@example.net',
  'Hide from the address list',
  "Give Marcus Reed access to Jane Doe's OneDrive",
  'Make Marcus Reed owner of 1 group Jane Doe owns alone',
  'Leave 98 groups',
  'Leave 12 distribution lists and mail-enabled security groups (through Exchange)',
  'Give up ownership of 4 groups',
  'Leave 17 groups in place',
  'Wipe 2 corporate devices, retire 1 personal device in Intune',
  'Disable 2 Windows devices in Entra ID',
  'Revoke 6 app consents',
  'Remove 4 MFA methods',
  'Remove 3 inbox rules (1 forwards outside)',
  'Turn off ActiveSync, POP and IMAP',
  'Remove the mail account from 2 ActiveSync phones (account only, not a device wipe)',
  'Cancel 14 meetings Jane Doe organised',
  'Remove 2 direct licences (keeping Office 365 E3 for the mailbox)',
  'Leave 1 licence-assigning group',
  'Delete the account',
];

/** Jane's 28 steps: planned (the preview, no `ran`), or run with the first `ran` finished (the 14th failed) and the
 *  next one running. */
export function janeSteps(ran?: number): StepLine[] {
  return STEP_TITLES.map((title, i): StepLine => {
    if (title === 'Delete the account') {
      return { icon: '⏭️', title, note: 'skipped: not chosen: the disabled account is kept (recommended)' };
    }
    if (ran === undefined || i > ran) {
      return { icon: '•', title, note: i === 5 ? 'read when it runs' : '' };
    }
    if (i === ran) {
      return { icon: '⏳', title, note: '' };
    }
    if (i === 13) {
      return { icon: '❌', title, note: 'failed: 96 of 98 done, 2 failed; 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. (request id 3f9c1d2e-7a6b-4c5d-9e8f-1a2b3c4d5e6f)' };
    }
    return { icon: '✅', title, note: i === 14 ? '12 of 12 done' : '' };
  });
}

const JANE_FACTS: Fact[] = [
  { title: 'Leaving', value: 'Jane Doe (jane.doe@contoso.com)' },
  { title: 'Mailbox and OneDrive to', value: 'Marcus Reed (marcus.reed@contoso.com)' },
  { title: 'Requested by', value: 'Priya Natarajan, 27 Nov 2026, 18:10 (Europe/London)' },
  { title: 'Approver', value: 'Marcus Reed' },
  { title: 'Effective', value: 'as soon as it is approved' },
  { title: 'Reason or ticket', value: 'Resignation, HR-20931' },
];

const JANE_WARNINGS = [
  '⚠️ Jane Doe holds directory roles (User Administrator): the app can block and reset them only with a role at least as high. If it can\'t, containment fails and no other step runs.',
  '⚠️ The mailbox holds 61.3 GB: a shared mailbox over 50 GB needs a licence with Exchange Online (Plan 2), so one is kept.',
  '⚠️ The kept mailbox needs Exchange Online (Plan 2) (litigation hold, archive or over 50 GB): Office 365 E3 is kept through Licensing - E3 Sales.',
  '⚠️ 1 licence comes from groups (Licensing - E3 Sales): it can\'t be removed from the user directly, so the bot leaves those groups instead.',
  "⚠️ 17 groups can't be changed here: 9 synced from on-premises AD, 6 dynamic, 2 owned mail-enabled groups. The summary names each.",
  "⚠️ 2 registered devices other than Windows can't be disabled by the app: Jane's iPhone, Jane's MacBook Pro.",
  '⚠️ Forwarding to jane.doe.home@example.net (outside the organisation) is on: it is removed before anything else changes.',
  '⚠️ 1 inbox rule forwards mail outside the organisation: it is removed with the other rules.',
];

const LEFT_REASONS = ['synced from on-premises AD: change its membership there', 'dynamic membership: its rule decides who is in it'];
export const JANE_LEFT_IN_PLACE: Fact[] = Array.from({ length: 17 }, (_, i): Fact =>
  i < 15
    ? { title: `${i < 9 ? 'SG-OnPrem' : 'Dyn'}-Sales-${String(i + 1).padStart(2, '0')}`, value: LEFT_REASONS[i < 9 ? 0 : 1]! }
    : { title: `Sales EMEA Announcements ${i - 14}`, value: 'owned: a mail-enabled group: its owners (ManagedBy) are changed in Exchange' },
);

export const PLAN: PlanCardData = {
  requestId: REQUEST_ID,
  title: `Offboarding plan for Jane Doe (${REQUEST_ID})`,
  facts: JANE_FACTS,
  steps: janeSteps(),
  warnings: JANE_WARNINGS,
};

export const APPROVAL: ApprovalCardData = {
  ...PLAN,
  approveVerb: VERBS.approve,
  rejectVerb: VERBS.reject,
  round: '1',
  expires: 'Expires 30 Nov 2026, 18:10 (Europe/London) without a decision.',
};

export const DECIDED: DecidedCardData = {
  ...PLAN,
  outcome: '✅ Approved by Marcus Reed on 27 Nov 2026, 18:40 (Europe/London)',
  tone: 'good',
  comment: '“Go ahead; Tom takes over the EMEA accounts.”',
};

export const PROGRESS: ProgressCardData = {
  requestId: REQUEST_ID,
  title: `Offboarding Jane Doe (${REQUEST_ID})`,
  status: 'Running: 12 of 28 steps finished.',
  tone: 'default',
  steps: janeSteps(12),
};

export const PROGRESS_FAILED: ProgressCardData = {
  ...PROGRESS,
  status: 'Completed with failures: 1 step failed (see the reasons). Operators can retry them.',
  tone: 'attention',
  steps: janeSteps(27),
  retry: { verb: VERBS.retry, requestId: REQUEST_ID, title: 'Retry failed steps' },
};

export const SUMMARY: SummaryCardData = {
  requestId: REQUEST_ID,
  title: `Offboarding Jane Doe (${REQUEST_ID}): Completed with failures`,
  outcome: PROGRESS_FAILED.status,
  tone: 'attention',
  facts: [
    ...JANE_FACTS,
    { title: 'Approved', value: 'Marcus Reed, 27 Nov 2026, 18:40 (Europe/London) — “Go ahead; Tom takes over the EMEA accounts.”' },
    { title: 'Started', value: '27 Nov 2026, 18:40 (Europe/London)' },
    { title: 'Ended', value: '27 Nov 2026, 18:52 (Europe/London)' },
  ],
  steps: janeSteps(27),
  leftInPlace: JANE_LEFT_IN_PLACE,
  followUps: [
    "Remove Jane Doe's directory roles (User Administrator): the bot does not change role assignments.",
    "Disable or delete in Entra ID: Jane's iPhone, Jane's MacBook Pro.",
  ],
};

export const CANDIDATES: CandidatesCardData = {
  verb: VERBS.pickCandidate,
  query: 'jane',
  candidates: [
    { id: JANE_ID, name: 'Jane Doe', detail: 'jane.doe@contoso.com · Senior Account Executive · Sales' },
    { id: '2c4e6a8b-0d1f-4a3b-9c5d-7e9f1a3b5c7d', name: 'Jane Smith', detail: 'jane.smith@contoso.com · Controller · Finance' },
    { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Janet Okafor', detail: 'janet.okafor@contoso.com' },
  ],
};

export const STATUS: StatusCardData = {
  title: 'Offboarding requests',
  requests: [
    { id: REQUEST_ID, title: `${REQUEST_ID}: Jane Doe`, status: 'Running', detail: 'Asked by Priya Natarajan on 27 Nov 2026, 18:10 (Europe/London); inheritor Marcus Reed' },
    { id: 'OFF-2026-0041', title: 'Paul Berg', status: 'Requested — waiting for Ana Silva', detail: 'Asked by Priya Natarajan on 26 Nov 2026, 09:02 (Europe/London); inheritor Ana Silva' },
  ],
};

// Batches (issue 15): a batch's progress card (also the `status <batch id>` answer) and its summary; 500 leavers with
// long names fit, or are cut to fit (batch-view.ts fitBatchCard).
const BATCH_LINES = [
  { name: 'Jane Doe', state: 'OFB-7K3Q9P · ⏳ waiting for Marcus Reed' },
  { name: 'Diego Santos', state: 'OFB-4KZN4B · ▶️ running 12/28 steps, 1 failed' },
  { name: 'Elena Fischer', state: 'OFB-J6JAH5 · 🕒 scheduled for Fri 5 Dec 2026, 17:00 Europe/London (UTC+00:00)' },
];
const BATCH_PROGRESS: BatchProgressCardData = {
  batchId: 'BAT-7K3Q9P',
  title: 'Batch BAT-7K3Q9P: offboarding 3 leavers',
  subtitle: 'Asked by Isaac Ito, submitted 27 Nov 2026, 18:10 (Europe/London)',
  counts: '1 waiting · 1 scheduled · 1 running',
  tone: 'default',
  lines: BATCH_LINES,
};
const manyBatchLines = (n: number, name: string) => Array.from({ length: n }, (_, i) => ({ name: `${name} ${i}`, state: `OFB-${String(i).padStart(6, '0')} · ⏳ waiting for Maximilian Alexander Featherstonehaugh or 9 others` }));

export const CARD_SAMPLES: Record<string, Array<() => Attachment>> = {
  'batch-progress.json': [
    () => renderBatchProgressCard(BATCH_PROGRESS),
    () => renderBatchProgressCard({ ...BATCH_PROGRESS, subtitle: undefined, lines: [], counts: 'No requests' }),
    () => fitBatchCard({ ...BATCH_PROGRESS, lines: manyBatchLines(500, 'A leaver with a rather long display name') }, renderBatchProgressCard),
    () => fitBatchCard({ ...BATCH_PROGRESS, lines: manyBatchLines(500, 'A leaver with a much, much longer display name than most people have') }, renderBatchProgressCard),
  ],
  'batch-summary.json': [
    () =>
      renderBatchSummaryCard({
        batchId: 'BAT-7K3Q9P',
        title: 'Batch BAT-7K3Q9P: 2 leavers, every request ended',
        outcome: '1 completed · 1 rejected',
        tone: 'attention',
        facts: [{ title: 'Requested by', value: 'Isaac Ito, 27 Nov 2026, 18:10 (Europe/London)' }],
        lines: [
          { name: 'Jane Doe', state: 'Completed · status OFB-7K3Q9P' },
          { name: 'Diego Santos', state: 'Rejected by Helen Brooks · status OFB-4KZN4B' },
        ],
      }),
    () => fitBatchCard({ batchId: 'BAT-7K3Q9P', title: 'Batch BAT-7K3Q9P: 500 leavers, every request ended', outcome: '500 completed', tone: 'good', facts: [], lines: manyBatchLines(500, 'A leaver with a much, much longer display name than most people have') }, renderBatchSummaryCard),
  ],

  // Batches (issue 15): 3 rows; 500 rows (fitted to the size budget); a card with every leaver decided or waiting.
  'batch-request.json': [
    () => batchRequestCard(sampleBatch(3), { id: 'isaac', displayName: 'Isaac Ito' }, 'Europe/London'),
    () => batchRequestCard(sampleBatch(500), { id: 'isaac', displayName: 'Isaac Ito' }, 'Europe/London', 'Marcus Reed is leaving too: choose who inherits.'),
  ],
  'batch-approval.json': [
    () => {
      const { batch, requests } = sampleBatchRequests(50);
      return batchApprovalCard(batch, batch.approvals![0]!, requests, 'Europe/London');
    },
    () => {
      const { batch, requests } = sampleBatchRequests(2);
      return batchApprovalCard(batch, batch.approvals![0]!, requests.map((r) => ({ ...r, status: 'approved' })));
    },
  ],
  'help.json': [
    () =>
      renderHelpCard({
        commands: [
          { usage: 'help', description: 'Show what I can do.' },
          { usage: 'offboard <name | UPN | mail>', description: 'Start an offboarding.' },
        ],
      }),
  ],
  'request.json': [
    () => renderRequestCard(REQUEST),
    () => renderRequestCard({ ...REQUEST, error: 'Marcus Reed is leaving too: choose someone else to inherit the mailbox.' }),
    // No leaver detail, no default inheritor, the toggles in another order, and one the card has no group for.
    () =>
      renderRequestCard({
        ...REQUEST,
        leaver: { id: JANE_ID, title: 'Jane Doe' },
        inheritorDefault: undefined,
        toggles: [...toggles].reverse().concat({ id: 'futureOption', title: 'A future option', value: false }),
      }),
  ],
  'candidates.json': [
    () => renderCandidatesCard(CANDIDATES),
    () => renderCandidatesCard({ ...CANDIDATES, query: 'j', note: 'More than 10 match: type more of the name.' }),
  ],
  'notice.json': [
    () => renderNoticeCard({ title: 'Preparing the plan…', text: 'Reading Jane Doe’s mailbox, groups, devices and licences.', tone: 'default' }),
    () => renderNoticeCard({ title: 'Not submitted', text: 'Only members of the offboarding operators group can start an offboarding.', tone: 'attention' }),
  ],
  'plan.json': [() => renderPlanCard(PLAN), () => renderPlanCard({ ...PLAN, warnings: [], facts: JANE_FACTS.slice(0, 2) })],
  'approval.json': [() => renderApprovalCard(APPROVAL), () => renderApprovalCard(approvalCardData(reinstatementRequest()))],
  'decided.json': [
    () => renderDecidedCard(DECIDED),
    () => renderDecidedCard({ ...DECIDED, outcome: '❌ Rejected by Marcus Reed on 27 Nov 2026, 18:40 (Europe/London)', tone: 'attention', comment: undefined }),
  ],
  'progress.json': [() => renderProgressCard(PROGRESS), () => renderProgressCard(PROGRESS_FAILED), () => renderProgressCard(progressCardData(reinstatementRequest({ status: 'running' })))],
  'summary.json': [
    () => renderSummaryCard(SUMMARY),
    () => renderSummaryCard(summaryCardData(reinstatementRequest({ status: 'completed', endedAt: '2026-11-28T12:00:00.000Z' }))),
    () => renderSummaryCard({ ...SUMMARY, title: `Offboarding Jane Doe (${REQUEST_ID}): Rejected`, outcome: DECIDED.outcome, tone: 'attention', steps: [], leftInPlace: [], followUps: [] }),
  ],
  'reinstate.json': [
    () => renderReinstateCard(reinstateCardData(reinstatePreview(), 'Europe/London')),
    () => renderReinstateCard(reinstateCardData(reinstatePreview({ handedOverGroups: 0, plan: reinstatePlan({ refusals: ['OFB-TEST01 ended more than 30 days ago.'] }) }))),
    // Many groups: the lists are cut, the card stays small.
    () => renderReinstateCard(reinstateCardData(reinstatePreview({ plan: reinstatePlan({ steps: Array.from({ length: 60 }, (_, i) => ({ ...reinstatePlan().steps[3]!, title: `Step ${i}`, targets: Array.from({ length: 500 }, (_, j) => ({ id: `g${j}`, label: `A group with a long display name ${j}` })) })) }) }))),
  ],
  'pass-ready.json': [() => renderPassReadyCard({ verb: VERBS.showPass, requestId: 'RST-TEST01', title: 'A Temporary Access Pass for Jane Doe is ready', text: 'It is shown once, only to you.' })],
  'pass.json': [
    () =>
      renderPassCard({
        hideVerb: VERBS.hidePass,
        requestId: 'RST-TEST01',
        title: 'Temporary Access Pass for Jane Doe',
        pass: 'Ab3$kT9!pQ',
        facts: [{ title: 'Expires', value: '28 Nov 2026, 11:00 (Europe/London)' }],
        guidance: ['Shown once, only to you.'],
        shownAt: '2026-11-28T10:00:00.000Z',
        expiresAt: '2026-11-28T11:00:00.000Z',
      }),
  ],
  'status.json': [
    () => renderStatusCard(STATUS),
    () => renderStatusCard({ title: 'Offboarding requests for Paul', requests: [], note: 'No offboarding request matches "Paul".' }),
  ],
};
