// A batch (issue 15, *Bulk*) → card data: a short line per leaver and the counts per state, for the progress card in
// the batch's thread, the `status <batch id>` answer and the batch summary. Teams refuses messages over about 100 KB
// (we keep under 80 KB, like every other card): 500 leavers fit with short lines; when they don't (long names, long
// reasons), the first lines are shown and the rest counted, measured on the rendered card.
import type { Attachment } from 'botbuilder';
import type { Batch } from '../offboarding/batch/batch';
import type { RunView } from '../offboarding/executor';
import type { OffboardingRequest, RequestStatus } from '../offboarding/requests';
import type { BatchLine, BatchProgressCardData, BatchSummaryCardData } from './cards/types';
import { formatTime } from './view';
import { formatInZone } from './zoned-time';

/** The rendered card's JSON stays under this many bytes (UTF-8: Teams refuses a message over about 100 KB). */
export const MAX_BATCH_CARD_BYTES = 80_000;
/** A line's state is cut at this length: a long approvers list or name must not crowd out the other leavers. */
const MAX_STATE_CHARS = 90;
const MAX_NAME_CHARS = 60;

/** The states counted on the card, in this order, with their label. */
const COUNTED: Array<[RequestStatus, string]> = [
  ['requested', 'waiting'],
  ['approved', 'approved'],
  ['scheduled', 'scheduled'],
  ['running', 'running'],
  ['stopping', 'stopping'],
  ['stopped', 'stopped'],
  ['completed', 'completed'],
  ['completed-with-failures', 'completed with failures'],
  ['rejected', 'rejected'],
  ['cancelled', 'cancelled'],
  ['expired', 'expired'],
  ['withdrawn', 'withdrawn'],
  ['closed', 'closed'],
];

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** "Marcus Reed", "Amara Okafor or Ben Carter", "Amara Okafor or 4 others". */
function approverNames(r: OffboardingRequest): string {
  const names = r.approvers.map((a) => a.displayName);
  return names.length <= 2 ? names.join(' or ') : `${names[0]} or ${names.length - 1} others`;
}

/** "running 12/28 steps" (", 1 failed"): from the run's view, when read. */
function runningState(r: OffboardingRequest, view?: RunView): string {
  if (!view) {
    return 'running';
  }
  const finished = view.steps.filter((s) => s.status === 'done' || s.status === 'skipped' || s.status === 'failed').length;
  const failed = view.steps.filter((s) => s.status === 'failed').length;
  return `running ${finished}/${r.plan.steps.length} steps${failed ? `, ${failed} failed` : ''}`;
}

/** Where one request of the batch stands, in a few words. `zone`: for a scheduled time (the reader's). */
export function batchState(r: OffboardingRequest, view?: RunView, zone?: string): string {
  switch (r.status) {
    case 'requested':
      return `⏳ waiting for ${approverNames(r)}`;
    case 'approved':
      return `✅ approved by ${r.decision?.by.displayName ?? '?'}`;
    case 'scheduled':
      return `🕒 scheduled for ${r.effectiveAt ? formatInZone(r.effectiveAt, zone) : '?'}`;
    case 'running':
      return `▶️ ${runningState(r, view)}`;
    case 'stopping':
      return `⏹ stopping (${r.stop?.by.displayName ?? 'someone'})`;
    case 'stopped':
      return `⏹ stopped by ${r.stop?.by.displayName ?? 'someone'}`;
    case 'closed':
      return `⏹ closed after a stop`;
    case 'completed':
      return '✅ completed';
    case 'completed-with-failures':
      return '⚠️ completed with failures';
    case 'rejected':
      return `❌ rejected by ${r.decision?.by.displayName ?? '?'}`;
    case 'cancelled':
      return `🚫 cancelled by ${r.cancelled?.by.displayName ?? '?'}`;
    case 'expired':
      return '⌛ expired without a decision';
    case 'withdrawn':
      return '↩️ withdrawn';
  }
}

export function batchLine(r: OffboardingRequest, view?: RunView, zone?: string): BatchLine {
  return { name: cut(r.leaver.displayName, MAX_NAME_CHARS), state: cut(`${r.id} · ${batchState(r, view, zone)}`, MAX_STATE_CHARS) };
}

/** "2 waiting · 1 running · 3 completed" (states with none are left out). */
export function batchCounts(requests: OffboardingRequest[]): string {
  const counts = new Map<RequestStatus, number>();
  for (const r of requests) {
    counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  }
  const parts = COUNTED.filter(([s]) => counts.has(s)).map(([s, label]) => `${counts.get(s)} ${label}`);
  return parts.length > 0 ? parts.join(' · ') : 'No requests';
}

/** The card's colour: attention when something failed or was refused, warning when stopped, good when all done. */
function batchTone(requests: OffboardingRequest[]): string {
  const has = (...s: RequestStatus[]) => requests.some((r) => s.includes(r.status));
  if (requests.length > 0 && requests.every((r) => r.status === 'completed')) {
    return 'good';
  }
  return has('completed-with-failures', 'rejected') ? 'attention' : has('stopping', 'stopped', 'expired', 'cancelled') ? 'warning' : 'default';
}

const leavers = (n: number): string => `${n} ${n === 1 ? 'leaver' : 'leavers'}`;

/**
 * The progress card's data (and `status <batch id>`'s: `requests` are then only those the viewer may see, and `whole`
 * false when that is not all of them: nothing then hints at the others). `views`: the runs read for running requests,
 * by request id; `zone`: the reader's, for scheduled times.
 */
export function batchProgressCardData(batch: Batch, requests: OffboardingRequest[], views: Map<string, RunView> = new Map(), zone?: string, whole = true): BatchProgressCardData {
  if (batch.status !== 'submitted' && requests.length === 0) {
    return draftCardData(batch);
  }
  const notSubmitted = whole ? (batch.notSubmitted?.length ?? 0) : 0;
  const subtitle = [
    `Asked by ${batch.requester.displayName}${batch.submittedAt ? `, submitted ${formatTime(batch.submittedAt, zone ?? batch.timeZone)}` : ''}`,
    ...(notSubmitted > 0 ? [`${leavers(notSubmitted)} could not be submitted (see the request card)`] : []),
  ].join(' · ');
  return {
    batchId: batch.id,
    title: `Batch ${batch.id}: offboarding ${leavers(requests.length)}`,
    subtitle,
    counts: batchCounts(requests),
    tone: batchTone(requests),
    lines: requests.map((r) => batchLine(r, views.get(r.id), zone)),
  };
}

/** A batch not submitted yet (its request card is waiting, or its submit is under way): the rows it holds. */
function draftCardData(batch: Batch): BatchProgressCardData {
  const what = batch.status === 'draft' ? 'not submitted yet: its request card is waiting for a submit' : 'being submitted now';
  return {
    batchId: batch.id,
    title: `Batch ${batch.id}: ${leavers(batch.rows.length)}, ${what}`,
    subtitle: `Asked by ${batch.requester.displayName}, ${formatTime(batch.createdAt, batch.timeZone)}${batch.leftOut.length > 0 ? ` · ${batch.leftOut.length} left out (see the request card)` : ''}`,
    counts: 'No request has been opened yet. Nothing was changed in Microsoft 365.',
    tone: 'default',
    lines: batch.rows.map((r) => ({ name: cut(r.leaver.displayName, MAX_NAME_CHARS), state: r.line ? `line ${r.line} · on the request card` : 'on the request card' })),
  };
}

/** The batch summary's data: every leaver with their outcome and the command that shows their request. */
export function batchSummaryCardData(batch: Batch, requests: OffboardingRequest[]): BatchSummaryCardData {
  const ended = requests.map((r) => Date.parse(r.endedAt ?? r.decision?.at ?? r.cancelled?.at ?? '')).filter((t) => !Number.isNaN(t));
  return {
    batchId: batch.id,
    title: `Batch ${batch.id}: ${leavers(requests.length)}, every request ended`,
    outcome: batchCounts(requests),
    tone: batchTone(requests),
    facts: [
      { title: 'Requested by', value: `${batch.requester.displayName}, ${formatTime(batch.createdAt, batch.timeZone)}` },
      ...(batch.submittedAt ? [{ title: 'Submitted', value: `${batch.submittedBy?.displayName ?? batch.requester.displayName}, ${formatTime(batch.submittedAt, batch.timeZone)}` }] : []),
      ...(ended.length > 0 ? [{ title: 'Last ended', value: formatTime(new Date(Math.max(...ended)).toISOString(), batch.timeZone) }] : []),
      ...(batch.notSubmitted?.length ? [{ title: 'Not submitted', value: `${leavers(batch.notSubmitted.length)} (named on the request card and in the audit log)` }] : []),
    ],
    lines: requests.map((r) => ({ name: cut(r.leaver.displayName, MAX_NAME_CHARS), state: cut(`${summaryOutcome(r)} · status ${r.id}`, MAX_STATE_CHARS) })),
  };
}

function summaryOutcome(r: OffboardingRequest): string {
  const state = batchState(r);
  return state.slice(state.indexOf(' ') + 1).replace(/^./, (c) => c.toUpperCase());
}

/**
 * Renders the card with as many lines as fit under MAX_BATCH_CARD_BYTES: all of them when they fit (the usual case, up
 * to 500 leavers), else the first ones and "…and N more". Measured on the rendered JSON, not guessed.
 */
export function fitBatchCard<T extends { lines: BatchLine[]; more?: string }>(data: T, render: (d: T) => Attachment, max = MAX_BATCH_CARD_BYTES): Attachment {
  const size = (a: Attachment) => Buffer.byteLength(JSON.stringify(a.content));
  let card = render(data);
  let shown = data.lines.length;
  let chars = size(card);
  while (chars > max && shown > 0) {
    // Lines are about the same size: cut in proportion to the overflow, with a margin, then measure again.
    const perLine = chars / Math.max(1, shown);
    shown = Math.max(0, Math.min(shown - 1, Math.floor(shown - (chars - max) / perLine - shown * 0.02)));
    const rest = data.lines.length - shown;
    card = render({ ...data, lines: data.lines.slice(0, shown), more: `…and ${leavers(rest)} more, not shown here: \`status <request id>\` shows each (the audit log has them all).` });
    chars = size(card);
  }
  return card;
}
