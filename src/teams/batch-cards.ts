// A batch's cards (issue 15, *Bulk*): domain objects → the batch request card and the batch approval cards. Teams
// refuses a message over about 100 KB, so the request card is fitted to a budget by measuring its rendered JSON.
import type { Attachment } from 'botbuilder';
import { preview } from '../offboarding/batch/entries';
import type { Batch, BatchApproval, BatchRow, LeftOut } from '../offboarding/batch/batch';
import type { Actor, OffboardingRequest } from '../offboarding/requests';
import { renderBatchApprovalCard, renderBatchRequestCard } from './cards';
import type { BatchApprovalCardData, BatchApprovalRow, BatchRequestCardData, BatchRequestRow, Choice } from './cards/types';
import { VERBS } from './verbs';
import { formatTime, optionInputs, outcomeLine, personLine } from './view';
import { formatInZone, isValidZone, todayIn } from './zoned-time';

/** Teams refuses messages over about 100 KB (the whole activity): the card's JSON stays under this, with room to spare. */
export const BATCH_CARD_BUDGET_BYTES = 80 * 1024;
/** Entries left out listed on the card; the rest are counted (the audit log has them all). */
const MAX_LEFT_OUT_LISTED = 100;
/** A left-out line is cut to this many characters (an ambiguous entry's reply names up to 10 people). */
const MAX_LEFT_OUT_CHARS = 200;
/** When not everything fits, the left-out lines take at most this share of the budget; the rows get the rest. */
const LEFT_OUT_SHARE = 0.25;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const bytesOf = (card: Attachment): number => Buffer.byteLength(JSON.stringify(card.content));

const LEFT_OUT_LABELS: Record<LeftOut['reason'], string> = {
  ambiguous: 'several people match',
  unknown: 'nobody matches',
  protected: 'protected',
  'open-request': 'already in an open request',
  requester: 'that is you',
  duplicate: 'listed more than once',
  inheritor: 'the inheritor is not one person',
  refused: 'refused',
};

function leftOutLine(l: LeftOut): string {
  return preview(`${l.line ? `Line ${l.line}, ` : ''}“${preview(l.entry)}”: ${LEFT_OUT_LABELS[l.reason]}${l.detail ? ` — ${l.detail}` : ''}`, MAX_LEFT_OUT_CHARS - 1);
}

/** The inheritor choices of a row: the preset (the file's inheritor, else the manager), the manager, the requester. */
function rowChoices(row: BatchRow, requester: Actor): Choice[] {
  const choices: Choice[] = [];
  const add = (id: string, title: string): void => {
    if (id !== row.leaver.id && !choices.some((c) => c.value === id)) {
      choices.push({ title, value: id });
    }
  };
  const manager = row.manager && !row.managerInBatch && row.manager.accountEnabled ? row.manager : undefined;
  if (row.inheritor) {
    add(row.inheritor.id, row.inheritor.id === manager?.id ? personLine({ ...row.inheritor, displayName: `${row.inheritor.displayName}, manager` }) : personLine(row.inheritor));
  }
  if (manager) {
    add(manager.id, personLine({ ...manager, displayName: `${manager.displayName}, manager` }));
  }
  add(requester.id, `${requester.displayName} (you)`);
  return choices;
}

function requestRow(row: BatchRow, requester: Actor, zone: string): BatchRequestRow {
  const manager = row.manager ? `Manager: ${row.manager.displayName}${row.managerInBatch ? ' (leaving too)' : ''}` : 'No manager';
  const effective = row.effectiveAt ? `Effective: ${formatInZone(row.effectiveAt, zone)} (from the file)` : 'Effective: the date below, else on approval';
  return {
    leaverId: row.leaver.id,
    title: personLine(row.leaver),
    detail: `${row.line ? `Line ${row.line} · ` : ''}${manager} · ${effective}`,
    ...(row.managerInBatch ? { note: 'Manager leaving too: the approvers group approves. Choose who inherits.' } : {}),
    choices: rowChoices(row, requester),
    value: row.inheritor?.id ?? '',
    required: !row.inheritor,
    // Nobody preset (the manager leaves too, or there is none): anyone in the directory may be chosen.
    picker: !row.inheritor,
  };
}

/**
 * The batch request card, fitted to the size budget: when not all fits, the left-out lines first (within a share of
 * the budget), then the rows (those needing a choice first); what is not shown is counted. Last resort: counts only.
 */
export function batchRequestCard(batch: Batch, requester: Actor, timeZone: string | undefined, error?: string, budget = BATCH_CARD_BUDGET_BYTES): Attachment {
  const zone = isValidZone(timeZone) ? timeZone : 'UTC';
  const rows = batch.rows.map((r) => requestRow(r, requester, zone));
  const lines = batch.leftOut.slice(0, MAX_LEFT_OUT_LISTED).map(leftOutLine);
  const leftOut = (shown: number): string[] => {
    const rest = batch.leftOut.length - shown;
    return rest === 0 ? lines.slice(0, shown) : [...lines.slice(0, shown), shown > 0 ? `… and ${rest} more: the audit log lists them all.` : 'The audit log lists them all.'];
  };
  const data: BatchRequestCardData = {
    verb: VERBS.submit,
    batchId: batch.id,
    title: `Offboarding ${plural(rows.length, 'leaver')} (${batch.id})`,
    subtitle: `${plural(rows.length, 'leaver')} found${batch.leftOut.length ? `, ${batch.leftOut.length} left out (listed below)` : ''}. Each becomes a request of its own, approved by their manager. Submitting without changes runs the recommended plan for everyone.`,
    ...(error ? { error } : {}),
    rows,
    leftOutTitle: `Left out (${batch.leftOut.length}): nothing is done for them`,
    leftOut: leftOut(lines.length),
    // The options are the single request card's: same ids, defaults and titles.
    ...optionInputs(),
    autoReplyPlaceholder: 'Default: "<leaver> no longer works here. Please contact <inheritor>, who is taking over."',
    today: todayIn(zone),
    timeZoneNote: `Dates and times are in your time zone (${zone}). A row's own date (from the file) wins; leave these empty to start each leaver as soon as it is approved.`,
  };
  const full = renderBatchRequestCard(data);
  const size = bytesOf(full);
  if (size <= budget) {
    return full;
  }
  // Too big: measure each row and each left-out line as rendered, keep as many as fit, count the rest.
  const measure = (items: unknown[]): number[] => items.map((item) => Buffer.byteLength(JSON.stringify(item)) + 1);
  const rowBytes = measure(containerItems(full.content, 'rows'));
  const lineBytes = measure(containerItems(full.content, 'leftOut').slice(1, 1 + lines.length));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const order = rows.map((_, i) => i).sort((a, b) => Number(rows[b]!.required) - Number(rows[a]!.required) || a - b);
  // Rows needing a choice come first; those that still don't fit have no inheritor, and the submit leaves them out
  // ("no inheritor chosen"): the card says so rather than "each keeps its preset".
  const moreText = (rest: number, unset = 0): string =>
    `… and ${rest} more: ${unset > 0 ? `${unset} of them ${unset === 1 ? 'has' : 'have'} no inheritor and can't be submitted from this card (send them again as a shorter list, or in a CSV file naming their inheritor); the others keep` : 'each keeps'} their preset inheritor; the full list is in the audit log.`;
  const unsetAfter = (k: number): number => order.slice(k).filter((i) => rows[i]!.required).length;
  // The base: the card without rows and left-out lines, plus the "more" TextBlocks, with room for their JSON.
  let used = size - sum(rowBytes) - sum(lineBytes) + 2 * Buffer.byteLength(moreText(rows.length, rows.length)) + 400;
  let shownLines = 0;
  let linesUsed = 0;
  while (shownLines < lines.length && linesUsed + lineBytes[shownLines]! <= budget * LEFT_OUT_SHARE && used + lineBytes[shownLines]! <= budget) {
    linesUsed += lineBytes[shownLines]!;
    used += lineBytes[shownLines++]!;
  }
  let kept = 0;
  while (kept < order.length && used + rowBytes[order[kept]!]! <= budget) {
    used += rowBytes[order[kept++]!]!;
  }
  const fitted = (k: number, shown: number): Attachment =>
    renderBatchRequestCard({ ...data, rows: order.slice(0, k).map((i) => rows[i]!), leftOut: leftOut(shown), ...(k < rows.length ? { more: moreText(rows.length - k, unsetAfter(k)) } : {}) });
  for (; kept >= 0; kept--) {
    const card = fitted(kept, shownLines);
    if (bytesOf(card) <= budget) {
      return card;
    }
  }
  // Counts only: no row, no left-out line (e.g. a huge error text); the audit log has everything.
  return fitted(0, 0);
}

function containerItems(card: unknown, id: string): unknown[] {
  const body = (card as { body?: Array<{ id?: string; items?: unknown[] }> }).body ?? [];
  return body.find((e) => e.id === id)?.items ?? [];
}

/**
 * Waiting for this card's decision: requested, and not sent back for a new decision at its effective time (that is
 * decided on its own card, which names what changed: decide.ts never decides it from here).
 */
const waitsHere = (r: OffboardingRequest): boolean => r.status === 'requested' && !r.reapproval;

/** What a leaver's line on an approval card says: who inherits, when, and the plan's headline. */
function approvalRow(r: OffboardingRequest, zone: string | undefined): BatchApprovalRow {
  const steps = r.plan.steps.filter((s) => !s.skip).length;
  const warnings = r.warnings.length;
  const waiting = waitsHere(r);
  const { text, tone } = r.status === 'requested' ? { text: `Sent back for a new decision (${r.reapproval?.changes.join(' ') ?? ''}): decide it on its own card`, tone: 'warning' } : outcomeLine(r);
  return {
    requestId: r.id,
    leaver: r.leaver.displayName,
    title: `${personLine(r.leaver)} · ${r.id}`,
    facts: [
      `Mailbox and OneDrive to ${personLine(r.inheritor)}`,
      `Effective: ${r.effectiveAt ? formatInZone(r.effectiveAt, zone ?? r.timeZone) : 'as soon as it is approved'}`,
      `Plan: ${plural(steps, 'step')}${warnings ? `, ⚠️ ${plural(warnings, 'warning')}: ${r.warnings[0]!.message}${warnings > 1 ? ' …' : ''}` : ', no warnings'} (\`status ${r.id}\` shows it whole)`,
      ...(r.approverNote ? [`Approver: ${r.approverNote}`] : []),
    ],
    ...(waiting ? {} : { status: `${text}${r.decision?.comment ? ` “${r.decision.comment}”` : ''}`, statusTone: tone }),
    waiting,
  };
}

/** How many leavers the approver of `approval` has in the batch, over all of their cards. */
function mine(batch: Batch, approval: BatchApproval): number {
  return new Set((batch.approvals ?? []).filter((a) => a.approverId === approval.approverId).flatMap((a) => a.requestIds)).size;
}

/** One approver's card of a batch, from stored state: decided rows show their outcome, waiting ones their toggle. */
export function batchApprovalCardData(batch: Batch, approval: BatchApproval, requests: OffboardingRequest[], zone?: string): BatchApprovalCardData {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const covered = approval.requestIds.map((id) => byId.get(id)).filter((r): r is OffboardingRequest => r !== undefined);
  const rows = covered.map((r) => approvalRow(r, zone));
  const waiting = covered.filter(waitsHere);
  const cards = (batch.approvals ?? []).filter((a) => a.approverId === approval.approverId).length;
  const counts = new Map<string, number>();
  for (const r of covered.filter((x) => !waitsHere(x))) {
    const key = r.status === 'requested' ? 'sent back for a new decision' : r.status === 'rejected' || r.status === 'cancelled' || r.status === 'expired' || r.status === 'withdrawn' ? r.status : 'approved';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const decided = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const firstExpiry = waiting.map((r) => r.expiresAt).sort()[0];
  return {
    batchId: batch.id,
    approvalId: approval.id,
    title: `Approve offboarding ${plural(covered.length, 'leaver')} (${batch.id}${cards > 1 ? `, card ${approval.id}` : ''})`,
    subtitle: `Requested by ${(batch.submittedBy ?? batch.requester).displayName}${batch.submittedAt ? ` on ${formatTime(batch.submittedAt, zone ?? batch.timeZone)}` : ''}. ${cards > 1 ? `Your ${plural(mine(batch, approval), 'leaver')} in this batch are on ${cards} cards: Approve or Reject on any of them decides all of them, except those whose toggle is off on the card you click` : 'Approve or Reject decides every leaver whose toggle is on'}; nothing is written for a leaver before that.`,
    ...(waiting.length === 0 ? { outcome: `Decided: ${decided || 'nothing waits'}.`, tone: counts.has('rejected') && !counts.has('approved') ? 'attention' : 'good' } : decided ? { outcome: `Decided so far: ${decided}. ${waiting.length} still waiting.`, tone: 'default' } : {}),
    rows,
    open: waiting.length > 0,
    ...(firstExpiry ? { expires: `Expires ${formatTime(firstExpiry, zone ?? batch.timeZone)} without a decision.` } : {}),
    approveVerb: VERBS.approve,
    rejectVerb: VERBS.reject,
  };
}

export function batchApprovalCard(batch: Batch, approval: BatchApproval, requests: OffboardingRequest[], zone?: string): Attachment {
  return renderBatchApprovalCard(batchApprovalCardData(batch, approval, requests, zone));
}
