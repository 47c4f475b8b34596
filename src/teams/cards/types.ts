// The data each card template is expanded with. Render functions in index.ts take exactly these; handlers build
// them from domain objects (view.ts). Strings arrive formatted: templates only place them.

/** A line of facts, e.g. { title: 'Leaver', value: 'Jane Doe (jane.doe@contoso.com)' }. */
export interface Fact {
  title: string;
  value: string;
}

export interface Choice {
  title: string;
  value: string;
}

/** `offboard <name>`: the request card. Input ids are the public contract (README): leaverId, mailboxInheritorId, mailboxInheritorSearch,
 *  every option id of src/offboarding/options.ts, effectiveDate, effectiveTime, reason. */
export interface RequestCardData {
  verb: string;
  /** Shown above the form when it comes back after a refusal. */
  error?: string;
  leaver: { id: string; title: string; detail?: string };
  /** Static choices for the inheritor (the manager first, preselected; the requester; "Someone else…", which means the
   *  person found with the people picker below, Teams only), so the card reads right where the picker isn't rendered. */
  inheritorChoices: Choice[];
  inheritorDefault?: string;
  /** Toggles, in display order, each with its default. */
  toggles: Array<{ id: string; title: string; value: boolean }>;
  intuneDevices: { value: string; choices: Choice[] };
  autoReplyPlaceholder: string;
  /** YYYY-MM-DD today in the requester's time zone (min of the date input). */
  today: string;
  timeZoneNote: string;
}

/** Several people match: pick one. Each button carries { leaverId }. */
export interface CandidatesCardData {
  verb: string;
  query: string;
  candidates: Array<{ id: string; name: string; detail: string }>;
  /** "More than 10 match: type more of the name." */
  note?: string;
}

/** A one-off notice: "Preparing the plan…", a refusal, a decision line. */
export interface NoticeCardData {
  title: string;
  text: string;
  /** 'good' | 'warning' | 'attention' | 'default' (Adaptive Card colors). */
  tone: string;
}

export interface StepLine {
  /** ✅ ⏭️ ❌ ⏳ • */
  icon: string;
  title: string;
  /** Counts and a short reason: "68 of 68", "skipped: not chosen", "failed: 403 Authorization_RequestDenied…". */
  note: string;
}

/** The plan preview: posted in the thread after submit, and the body of the approval card. */
export interface PlanCardData {
  requestId: string;
  title: string;
  facts: Fact[];
  steps: StepLine[];
  warnings: string[];
  /** A reinstatement: what the offboarding did that can't be undone ("what — why"). */
  notRestorable?: string[];
}

/** To the approver(s): the plan, Approve / Reject (Action.Execute) with an optional `comment` input. */
export interface ApprovalCardData extends PlanCardData {
  /** A re-approval: what changed since the approval (the earlier decision first), shown above the plan. */
  changes?: string[];
  approveVerb: string;
  rejectVerb: string;
  /** Which round of decision the card asks for (lifecycle.decisionRound): a card of an earlier round can't decide. */
  round: string;
  /** "Expires 30 Nov 2026 18:40 UTC". */
  expires: string;
}

/** The approval card after a decision, as everyone sees it. */
export interface DecidedCardData extends PlanCardData {
  /** "Approved by Marcus Reed on 27 Nov 2026 18:40 UTC" */
  outcome: string;
  tone: string;
  comment?: string;
  /** A scheduled request: "Runs on Fri 5 Dec 2026, 17:00 Europe/Berlin (UTC+01:00)", in the card owner's zone. */
  runs?: string;
}

/** One card in the thread, updated in place while the run goes. */
export interface ProgressCardData {
  requestId: string;
  title: string;
  /** "Running: 12 of 28 steps finished" / "Completed with failures". */
  status: string;
  tone: string;
  steps: StepLine[];
  /** Present only when failed steps can be retried, or a stopped run resumed (operators only; checked on the server). */
  retry?: { verb: string; requestId: string; title: string };
}

/** The summary posted to SUMMARY_CHANNEL_ID (and as the thread's final card). */
export interface SummaryCardData {
  requestId: string;
  title: string;
  outcome: string;
  tone: string;
  facts: Fact[];
  steps: StepLine[];
  /** Every group left in place, with its reason. */
  leftInPlace: Fact[];
  followUps: string[];
  /** A reinstatement: what could not be restored ("what — why"). */
  notRestored?: string[];
}

/** `status`: requests with where they stand. */
export interface StatusCardData {
  title: string;
  requests: Array<{ id: string; title: string; status: string; detail: string }>;
  note?: string;
}

/** `reinstate <…>`: what undoing the offboarding would restore, what it can't, and the form to ask for it. Input ids
 *  (README): reason, removeHandovers; the submit carries { requestId } (the offboarding's id). */
export interface ReinstateCardData {
  verb: string;
  /** The offboarding it undoes (the submit's data). */
  requestId: string;
  title: string;
  /** "Undoes OFB-7K3Q9P, completed on 27 Nov 2026, 18:40 (Europe/London)". */
  subtitle: string;
  facts: Fact[];
  /** Steps that will run: their title, and the first few targets. */
  restore: Array<{ title: string; detail?: string }>;
  /** Skipped steps with their reason, one line each. */
  alreadyBack: string[];
  /** "3 MFA methods — deleted methods can't be brought back: they register again". */
  notRestorable: string[];
  warnings: string[];
  followUps: string[];
  /** Non-empty: it can't go ahead, and the card has no submit. */
  refusals: string[];
  /** Present when the offboarding handed groups over: the toggle's title. */
  handover?: { title: string };
  canSubmit: boolean;
}

/** To the requester, when a reinstatement's Temporary Access Pass is waiting: a button, never the pass. */
export interface PassReadyCardData {
  verb: string;
  requestId: string;
  title: string;
  text: string;
}

/** The invoke answer to the requester's "Show pass": the pass itself, for the clicker only, never posted. */
export interface PassCardData {
  hideVerb: string;
  requestId: string;
  title: string;
  pass: string;
  facts: Fact[];
  guidance: string[];
  /** Carried to the hide card for its text (no secret). */
  shownAt: string;
  expiresAt: string;
}

// Batches (issue 15)

/** One leaver of a batch: their name, and "OFB-7K3Q9P · waiting for Marcus Reed". */
export interface BatchLine {
  name: string;
  state: string;
}

/** The batch's progress card in its thread (updated in place), and the `status <batch id>` answer. */
export interface BatchProgressCardData {
  batchId: string;
  title: string;
  subtitle?: string;
  /** "2 waiting · 1 running · 3 completed". */
  counts: string;
  tone: string;
  lines: BatchLine[];
  /** "…and 120 more leavers (`status <request id>` for each)": set when the lines were cut to fit the card. */
  more?: string;
}

/** The batch summary posted to SUMMARY_CHANNEL_ID once every request of the batch has ended. */
export interface BatchSummaryCardData {
  batchId: string;
  title: string;
  /** The counts per outcome. */
  outcome: string;
  tone: string;
  facts: Fact[];
  /** Each leaver with their outcome and "status OFB-…". */
  lines: BatchLine[];
  more?: string;
}

/** One resolved leaver of a batch request card: the inheritor input is `mailboxInheritorId.<leaverId>`. */
export interface BatchRequestRow {
  leaverId: string;
  /** "Jane Doe (jane.doe@contoso.com)". */
  title: string;
  /** Manager and effective time: "Manager: Marcus Reed · Effective: Fri 5 Dec 2026, 09:00 … (from the file)". */
  detail: string;
  /** "Manager leaving too: the approvers group approves" (the row has no preset inheritor). */
  note?: string;
  choices: Choice[];
  /** The preset inheritor; '' when the requester must choose. */
  value: string;
  required: boolean;
  /**
   * No preset: the input is a Teams people picker (choices.data graph.microsoft.com/users, `choices` offered first),
   * whose value is the chosen user's Entra object id, under the same id.
   */
  picker: boolean;
}

/** The batch request card (`offboard` with several entries, or a CSV file). Input ids (README): mailboxInheritorId.<leaverId>,
 *  every option id, autoReplyMessage, intuneDevices, effectiveDate, effectiveTime, reason; the submit carries { batchId }. */
export interface BatchRequestCardData {
  verb: string;
  batchId: string;
  title: string;
  subtitle: string;
  error?: string;
  rows: BatchRequestRow[];
  /** Rows not shown (the card's size): "… and 380 more: each keeps its preset inheritor; the full list is in the audit log". */
  more?: string;
  leftOutTitle: string;
  /** One line per entry left out: "line 4, “J Doe”: ambiguous — 3 people match". */
  leftOut: string[];
  toggles: RequestCardData['toggles'];
  intuneDevices: RequestCardData['intuneDevices'];
  autoReplyPlaceholder: string;
  today: string;
  timeZoneNote: string;
}

/** One leaver on a batch approval card: `include.<requestId>` while it waits, its outcome once decided. */
export interface BatchApprovalRow {
  requestId: string;
  leaver: string;
  title: string;
  /** "Mailbox and OneDrive to …", "Effective …", "Plan: 24 steps, 2 warnings". */
  facts: string[];
  status?: string;
  statusTone?: string;
  waiting: boolean;
}

/** To one approver: their leavers of one batch (≤ MAX_LEAVERS_PER_APPROVAL), Approve / Reject with { batchId, approvalId }. */
export interface BatchApprovalCardData {
  batchId: string;
  approvalId: string;
  title: string;
  subtitle: string;
  /** Once nothing waits any more: "Decided: 12 approved, 3 rejected". */
  outcome?: string;
  tone?: string;
  rows: BatchApprovalRow[];
  /** Something still waits: the comment, the toggles and the buttons show. */
  open: boolean;
  expires?: string;
  approveVerb: string;
  rejectVerb: string;
}
