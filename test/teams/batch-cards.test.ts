// The batch request and approval cards (issue 15): what each row carries, and the request card fitted to Teams' size.
import assert from 'node:assert/strict';
import { OPTION_IDS } from '../../src/offboarding/options';
import { BATCH_CARD_BUDGET_BYTES, batchApprovalCard, batchRequestCard } from '../../src/teams/batch-cards';
import { VERBS } from '../../src/teams/verbs';
import { sampleBatch, sampleBatchRequests } from './batch-samples';
import { actionsOf, inputsOf } from './harness';

const isaac = { id: 'isaac', displayName: 'Isaac Ito' };

describe('batch cards', () => {
  it('the request card: an inheritor input per leaver preset to their inheritor, the options once, the left out listed', () => {
    const batch = sampleBatch(3);
    const card = batchRequestCard(batch, isaac, 'Europe/London').content as object;
    const inputs = inputsOf(card);
    for (const row of batch.rows) {
      const input = inputs.get(`mailboxInheritorId.${row.leaver.id}`);
      assert.ok(input, row.leaver.displayName);
      assert.equal(input.value, row.inheritor!.id);
      const values = (input.choices as Array<{ value: string }>).map((c) => c.value);
      assert.ok(values.includes(row.manager!.id) && values.includes('isaac'), 'the manager and the requester are offered');
    }
    for (const id of [...OPTION_IDS.filter((o) => o !== 'autoReplyMessage' && o !== 'intuneDevices'), 'effectiveDate', 'effectiveTime', 'reason', 'intuneDevices', 'autoReplyMessage']) {
      assert.ok(inputs.has(id), `input ${id}`);
    }
    const json = JSON.stringify(card);
    assert.match(json, /BAT-7K3Q9P/);
    assert.match(json, /Line 3, “J Doe”: several people match/);
    assert.match(json, /protected/);
    assert.match(json, /Effective: Fri 18 Dec 2026, 16:00 Europe\/London \(UTC\+00:00\) \(from the file\)/, "a row's own date");
    assert.deepEqual(actionsOf(card).map((a) => [a.verb, a.data]), [[VERBS.submit, { batchId: 'BAT-7K3Q9P' }]]);
  });

  it('a leaver whose manager leaves too: no preset, a choice required, the row marked', () => {
    const batch = sampleBatch(40);
    const row = batch.rows[39]!;
    assert.equal(row.managerInBatch, true);
    const input = inputsOf(batchRequestCard(batch, isaac, 'UTC').content).get(`mailboxInheritorId.${row.leaver.id}`)!;
    assert.ok(!input.value, 'nobody preset');
    assert.equal(input.isRequired, true);
    // Anyone in the directory may be chosen: Teams' people picker, its value the chosen user's Entra object id.
    assert.deepEqual(input['choices.data'], { type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    assert.ok((input.choices as Array<{ value: string }>).some((c) => c.value === 'isaac'), 'the requester offered first');
    const preset = inputsOf(batchRequestCard(batch, isaac, 'UTC').content).get(`mailboxInheritorId.${batch.rows[0]!.leaver.id}`)!;
    assert.equal(preset['choices.data'], undefined, 'a row with a preset keeps its short list');
    assert.equal([...inputsOf(batchRequestCard(batch, isaac, 'UTC').content).keys()].filter((k) => k === `mailboxInheritorId.${row.leaver.id}`).length, 1);
    assert.ok(!(input.choices as Array<{ value: string }>).some((c) => c.value === row.manager!.id), 'the leaving manager is not offered');
    assert.match(JSON.stringify(batchRequestCard(batch, isaac, 'UTC').content), /Manager leaving too: the approvers group approves/);
  });

  it('500 leavers: under the budget, the rows needing a choice first, the rest counted', () => {
    const batch = sampleBatch(500);
    const card = batchRequestCard(batch, isaac, 'Europe/London').content as object;
    const size = Buffer.byteLength(JSON.stringify(card));
    assert.ok(size <= BATCH_CARD_BUDGET_BYTES, `${size} bytes`);
    const shown = [...inputsOf(card).keys()].filter((k) => k.startsWith('mailboxInheritorId.'));
    assert.ok(shown.length > 50 && shown.length < 500, `${shown.length} rows shown`);
    const more = /… and (\d+) more: each keeps their preset inheritor/.exec(JSON.stringify(card));
    assert.ok(more, 'the rest is counted');
    assert.equal(shown.length + Number(more[1]), 500);
    const needing = batch.rows.filter((r) => r.managerInBatch).map((r) => `mailboxInheritorId.${r.leaver.id}`);
    assert.deepEqual(shown.slice(0, needing.length), needing);
    // Near the budget: the card uses the room it has (fewer rows would leave more than one row's worth unused).
    assert.ok(size > BATCH_CARD_BUDGET_BYTES - 2000, `${size} bytes`);
  });

  it('rows without an inheritor that do not fit are named as such, never "keeping their preset"', () => {
    const sample = sampleBatch(500);
    const batch = { ...sample, rows: sample.rows.map(({ inheritor: _none, ...row }) => row) };
    const text = JSON.stringify(batchRequestCard(batch, isaac, 'UTC').content);
    const more = /… and (\d+) more: (\d+) of them have no inheritor and can't be submitted from this card/.exec(text);
    assert.ok(more, 'the unset rows are counted as such');
    assert.equal(more[1], more[2], 'every hidden row lacks an inheritor here');
  });

  it('100 ambiguous entries with long names and 500 rows: under the budget, each left-out line cut, the rest counted', () => {
    const name = (i: number, j: number) => `Alexandrina Bartholomew-Featherstonehaugh ${i}.${j} (alexandrina.bartholomew-featherstonehaugh.${i}.${j}@contoso.com)`;
    const leftOut = Array.from({ length: 100 }, (_, i) => ({
      entry: `Alexandrina Bartholomew-Featherstonehaugh number ${i}`,
      line: i + 600,
      reason: 'ambiguous' as const,
      detail: `10 people match: ${Array.from({ length: 10 }, (_, j) => name(i, j)).join(', ')}. Type the UPN.`,
    }));
    for (const n of [500, 0]) {
      const card = batchRequestCard(sampleBatch(n, { leftOut }), isaac, 'Europe/London').content as { body: Array<{ id?: string; items?: Array<{ text?: string }> }> };
      const size = Buffer.byteLength(JSON.stringify(card));
      assert.ok(size <= BATCH_CARD_BUDGET_BYTES, `${n} rows: ${size} bytes`);
      const lines = card.body.find((e) => e.id === 'leftOut')!.items!.slice(1).map((t) => t.text!);
      assert.ok(lines.every((l) => l.length <= 200), 'each line cut');
      const shown = lines.filter((l) => l.startsWith('Line ')).length;
      const more = /… and (\d+) more: the audit log lists them all/.exec(lines.at(-1)!);
      assert.equal(shown + Number(more?.[1] ?? 0), 100, 'the left out are listed or counted');
    }
  });

  it('a card that fits only with nothing listed (a huge error text): counts only, under the budget', () => {
    const card = batchRequestCard(sampleBatch(20), isaac, 'UTC', 'x'.repeat(BATCH_CARD_BUDGET_BYTES - 6500)).content as object;
    assert.ok(Buffer.byteLength(JSON.stringify(card)) <= BATCH_CARD_BUDGET_BYTES, `${Buffer.byteLength(JSON.stringify(card))} bytes`);
    assert.deepEqual([...inputsOf(card).keys()].filter((k) => k.startsWith('mailboxInheritorId.')), []);
    assert.match(JSON.stringify(card), /… and 20 more/);
    assert.match(JSON.stringify(card), /Left out \(3\)/);
  });

  it('a leaver sent back for a new decision has no toggle on the batch card: it is decided on its own card', () => {
    const { batch, requests } = sampleBatchRequests(2);
    const sentBack = requests.map((r, i) => (i === 0 ? { ...r, status: 'requested' as const, reapproval: { at: '2026-12-01T09:00:00.000Z', changes: ['A new group appeared.'] } } : { ...r, status: 'requested' as const }));
    const card = batchApprovalCard(batch, batch.approvals![0]!, sentBack).content as object;
    assert.deepEqual([...inputsOf(card).keys()].filter((k) => k.startsWith('include.')), [`include.${sentBack[1]!.id}`]);
    assert.match(JSON.stringify(card), /Sent back for a new decision \(A new group appeared\.\): decide it on its own card/);
  });

  it("the approval card names who submitted the batch (each request's requester), not who typed the list", () => {
    const { batch, requests } = sampleBatchRequests(2);
    const json = JSON.stringify(batchApprovalCard({ ...batch, submittedBy: { id: 'rachel', displayName: 'Rachel Kim' } }, batch.approvals![0]!, requests).content);
    assert.match(json, /Requested by Rachel Kim on /);
    assert.doesNotMatch(json, /Requested by Isaac Ito/);
  });

  it('the approval card: waiting leavers with include toggles, decided ones with their outcome, data { batchId, approvalId }', () => {
    const { batch, requests } = sampleBatchRequests(6);
    const card = batchApprovalCard(batch, batch.approvals![0]!, requests).content as object;
    const toggles = [...inputsOf(card).keys()].filter((k) => k.startsWith('include.'));
    assert.deepEqual(toggles, requests.filter((r) => r.status === 'requested').map((r) => `include.${r.id}`));
    assert.equal(inputsOf(card).get(toggles[0]!)!.value, 'true');
    const json = JSON.stringify(card);
    assert.match(json, /Rejected by Ben Carter/);
    assert.match(json, /Approved by Ben Carter/);
    assert.match(json, /Decided so far: 2 approved, 2 rejected\. 2 still waiting/);
    assert.deepEqual(actionsOf(card).map((a) => [a.verb, a.data]), [
      [VERBS.approve, { batchId: 'BAT-7K3Q9P', approvalId: 'A1' }],
      [VERBS.reject, { batchId: 'BAT-7K3Q9P', approvalId: 'A1' }],
    ]);
    const done = batchApprovalCard(batch, batch.approvals![0]!, requests.map((r) => ({ ...r, status: 'rejected' as const }))).content as object;
    assert.deepEqual(actionsOf(done), [], 'nothing waits: no buttons');
    assert.equal([...inputsOf(done).keys()].filter((k) => k.startsWith('include.')).length, 0);
  });
});
