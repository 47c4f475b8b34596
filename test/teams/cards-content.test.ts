// What each card says and does, on the expanded JSON: input ids (the public contract), verbs and action data, and
// the parts that appear only in some states. cards.test.ts checks that the same samples are valid Adaptive Cards.
import assert from 'node:assert/strict';
import type { Attachment } from 'botbuilder';
import {
  renderApprovalCard,
  renderCandidatesCard,
  renderDecidedCard,
  renderNoticeCard,
  renderPlanCard,
  renderProgressCard,
  renderRequestCard,
  renderStatusCard,
  renderSummaryCard,
} from '../../src/teams/cards';
import { OPTION_IDS } from '../../src/offboarding/options';
import { VERBS } from '../../src/teams/verbs';
import { APPROVAL, CANDIDATES, DECIDED, JANE_ID, MARCUS_ID, PLAN, PROGRESS, PROGRESS_FAILED, REQUEST, REQUEST_ID, STATUS, SUMMARY } from './card-samples';

type Element = Record<string, unknown> & { type?: string; id?: string };

/** Every object in the card (elements, actions, choices, facts), depth first. */
function allObjects(value: unknown, out: Element[] = []): Element[] {
  if (Array.isArray(value)) {
    value.forEach((v) => allObjects(v, out));
  } else if (value && typeof value === 'object') {
    out.push(value as Element);
    Object.values(value).forEach((v) => allObjects(v, out));
  }
  return out;
}

const content = (a: Attachment): Element => a.content as Element;
const ofType = (a: Attachment, prefix: string): Element[] => allObjects(content(a)).filter((o) => typeof o.type === 'string' && o.type.startsWith(prefix));
const inputs = (a: Attachment): Element[] => ofType(a, 'Input.');
const executes = (a: Attachment): Element[] => ofType(a, 'Action.Execute');
const texts = (a: Attachment): string[] => ofType(a, 'TextBlock').map((t) => String(t.text));
const body = (a: Attachment): Element[] => content(a).body as Element[];

function input(a: Attachment, id: string): Element {
  const found = inputs(a).filter((i) => i.id === id);
  assert.equal(found.length, 1, `one input "${id}"`);
  return found[0]!;
}

describe('card content', () => {
  describe('request card', () => {
    const card = renderRequestCard(REQUEST);

    it('has exactly the input ids of the public contract, each once', () => {
      const expected = ['leaverId', 'mailboxInheritorId', 'mailboxInheritorSearch', ...OPTION_IDS, 'effectiveDate', 'effectiveTime', 'reason'];
      assert.deepEqual(inputs(card).map((i) => i.id).sort(), [...expected].sort());
    });

    it('has one Input.Toggle per boolean option, carrying "true"/"false" and the given value', () => {
      const flipped = renderRequestCard({ ...REQUEST, toggles: REQUEST.toggles.map((t) => ({ ...t, value: t.id === 'deleteAccount' ? true : t.value })) });
      const toggleIds = OPTION_IDS.filter((id) => id !== 'autoReplyMessage' && id !== 'intuneDevices');
      for (const id of toggleIds) {
        const toggle = input(flipped, id);
        const given = REQUEST.toggles.find((t) => t.id === id)!;
        assert.equal(toggle.type, 'Input.Toggle', id);
        assert.equal(toggle.valueOn, 'true');
        assert.equal(toggle.valueOff, 'false');
        assert.equal(toggle.value, id === 'deleteAccount' ? 'true' : String(given.value), id);
        assert.equal(toggle.title, given.title);
      }
      assert.equal(input(card, 'deleteAccount').value, 'false');
      assert.equal(input(card, 'litigationHold').value, 'true');
    });

    it('preselects the leaver as its only choice', () => {
      const leaver = input(card, 'leaverId');
      assert.equal(leaver.type, 'Input.ChoiceSet');
      assert.deepEqual(leaver.choices, [{ title: REQUEST.leaver.title, value: JANE_ID }]);
      assert.equal(leaver.value, JANE_ID);
      assert.equal(leaver.isRequired, true);
    });

    it('shows the inheritor as a static choice (the manager preselected, the requester, "Someone else…"), readable where the people picker is not rendered', () => {
      const choice = input(card, 'mailboxInheritorId');
      assert.equal(choice.type, 'Input.ChoiceSet');
      assert.equal(choice.style, 'compact');
      assert.equal(choice['choices.data'], undefined, 'no people picker here: its field shows no value in the Agents Playground');
      assert.deepEqual(choice.choices, REQUEST.inheritorChoices);
      assert.equal(choice.value, MARCUS_ID);
      assert.equal(choice.isRequired, true);
      assert.ok(choice.errorMessage);
      assert.equal(choice.label, 'Who inherits the mailbox and OneDrive');
      assert.equal(input(renderRequestCard({ ...REQUEST, inheritorDefault: undefined }), 'mailboxInheritorId').value, '');
    });

    it('keeps the Graph people picker for "Someone else…" in Teams, offering the same people first', () => {
      const picker = input(card, 'mailboxInheritorSearch');
      assert.equal(picker.type, 'Input.ChoiceSet');
      assert.deepEqual(picker['choices.data'], { type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
      assert.deepEqual(picker.choices, REQUEST.inheritorChoices.filter((c) => c.value !== 'someone-else'));
      assert.equal(picker.isRequired, undefined, 'used only with "Someone else…" (checked on submit)');
      assert.match(String(picker.label), /Someone else/);
    });

    it('places the Intune choice, the auto-reply text, the dates and the reason', () => {
      const intune = input(card, 'intuneDevices');
      assert.equal(intune.type, 'Input.ChoiceSet');
      assert.equal(intune.style, 'compact');
      assert.deepEqual(intune.choices, REQUEST.intuneDevices.choices);
      assert.equal(intune.value, REQUEST.intuneDevices.value);
      const autoReply = input(card, 'autoReplyMessage');
      assert.equal(autoReply.type, 'Input.Text');
      assert.equal(autoReply.isMultiline, true);
      assert.equal(autoReply.placeholder, REQUEST.autoReplyPlaceholder);
      assert.equal(input(card, 'effectiveDate').type, 'Input.Date');
      assert.equal(input(card, 'effectiveDate').min, REQUEST.today);
      assert.equal(input(card, 'effectiveTime').type, 'Input.Time');
      assert.equal(input(card, 'reason').label, 'Reason or ticket');
      assert.equal(input(card, 'reason').maxLength, 500);
      assert.ok(texts(card).includes(REQUEST.timeZoneNote));
      const optional = ['autoReplyMessage', 'intuneDevices', 'effectiveDate', 'effectiveTime', 'reason'];
      assert.deepEqual(optional.filter((id) => input(card, id).isRequired), []);
    });

    it('groups the options under headings in a section the toggle button shows', () => {
      const options = allObjects(content(card)).find((o) => o.id === 'options')!;
      assert.equal(options.isVisible, false);
      const toggle = ofType(card, 'Action.ToggleVisibility');
      assert.deepEqual(toggle.map((t) => [t.title, t.targetElements]), [['Options (recommended defaults)', ['options']]]);
      const headings = (options.items as Element[]).map((g) => (g.items as Element[])[0]!.text);
      assert.deepEqual(headings, ['Mailbox and OneDrive', 'Access', 'Devices', 'Licences and account']);
      // Every option input sits inside the section.
      assert.equal(inputs({ contentType: '', content: options }).length, OPTION_IDS.length);
    });

    it('still renders a toggle it has no group for, under "Other"', () => {
      const extra = renderRequestCard({ ...REQUEST, toggles: [...REQUEST.toggles, { id: 'futureOption', title: 'A future option', value: true }] });
      assert.equal(input(extra, 'futureOption').value, 'true');
      assert.ok(texts(extra).includes('Other'));
      assert.ok(!texts(card).includes('Other'));
    });

    it('submits every input with one Action.Execute', () => {
      assert.deepEqual(
        executes(card).map((a) => [a.title, a.verb, a.associatedInputs, a.data]),
        [['Submit for approval', VERBS.submit, 'auto', {}]],
      );
    });

    it('shows the error first, in attention color, only when there is one', () => {
      const error = 'Marcus Reed is leaving too: choose someone else.';
      const first = body(renderRequestCard({ ...REQUEST, error }))[0]!;
      assert.deepEqual([first.type, first.text, first.color], ['TextBlock', error, 'Attention']);
      assert.notEqual(body(card)[0]!.color, 'Attention');
      assert.ok(!ofType(card, 'TextBlock').some((t) => t.color === 'Attention'));
    });
  });

  describe('candidates card', () => {
    it('has one Offboard button per candidate, carrying its leaverId', () => {
      const card = renderCandidatesCard(CANDIDATES);
      assert.deepEqual(
        executes(card).map((a) => [a.verb, a.data, a.title]),
        CANDIDATES.candidates.map((c) => [VERBS.pickCandidate, { leaverId: c.id }, `Offboard ${c.name}`]),
      );
      assert.equal(ofType(card, 'ActionSet').length, CANDIDATES.candidates.length);
      assert.ok(texts(card).includes("Several people match 'jane'"));
      const note = 'More than 10 match: type more of the name.';
      assert.ok(texts(renderCandidatesCard({ ...CANDIDATES, note })).includes(note));
      assert.ok(!texts(card).includes(note));
    });
  });

  describe('notice card', () => {
    it('colors the bold title by tone and wraps the text', () => {
      const [title, text] = body(renderNoticeCard({ title: 'Not submitted', text: 'Only operators can.', tone: 'attention' }));
      assert.deepEqual([title!.text, title!.weight, title!.color], ['Not submitted', 'Bolder', 'attention']);
      assert.deepEqual([text!.text, text!.wrap], ['Only operators can.', true]);
    });
  });

  describe('plan card', () => {
    const card = renderPlanCard(PLAN);

    it('lists every step, fact and warning, and the request id', () => {
      const t = texts(card);
      assert.equal(PLAN.steps.length, 28);
      for (const step of PLAN.steps) {
        assert.ok(t.includes(step.title), step.title);
      }
      assert.equal(ofType(card, 'ColumnSet').length, 28);
      assert.equal(ofType(card, 'TextBlock').filter((b) => b.color === 'Warning').length, 8);
      assert.deepEqual(ofType(card, 'FactSet')[0]!.facts, PLAN.facts);
      assert.ok(t.includes(`Request ${REQUEST_ID}`));
      assert.deepEqual(executes(card), []);
    });

    it('leaves the warnings out when there are none, and an empty note off its step', () => {
      const quiet = renderPlanCard({ ...PLAN, warnings: [] });
      assert.ok(!allObjects(content(quiet)).some((o) => o.id === 'warnings'));
      assert.ok(!texts(quiet).includes(''));
    });
  });

  describe('approval card', () => {
    const card = renderApprovalCard(APPROVAL);

    it('shows the whole plan, then a comment input and the expiry', () => {
      const plan = body(renderPlanCard(APPROVAL));
      assert.deepEqual(body(card).slice(0, plan.length), plan);
      const comment = input(card, 'comment');
      assert.deepEqual([comment.type, comment.isMultiline, comment.label, comment.isRequired], ['Input.Text', true, 'Comment (optional)', undefined]);
      assert.deepEqual(inputs(card).map((i) => i.id), ['comment']);
      assert.ok(texts(card).includes(APPROVAL.expires));
    });

    it('has Approve and Reject, each with its verb, the requestId and the decision round, sending the comment', () => {
      assert.deepEqual(
        executes(card).map((a) => [a.title, a.verb, a.style, a.associatedInputs, a.data]),
        [
          ['Approve', VERBS.approve, 'positive', 'auto', { requestId: REQUEST_ID, round: '1' }],
          ['Reject', VERBS.reject, 'destructive', 'auto', { requestId: REQUEST_ID, round: '1' }],
        ],
      );
    });
  });

  describe('decided card', () => {
    it('shows the plan and the outcome in its tone, with no actions and no inputs', () => {
      const card = renderDecidedCard(DECIDED);
      assert.deepEqual(ofType(card, 'Action.'), []);
      assert.equal((content(card).actions as unknown[] | undefined)?.length ?? 0, 0);
      assert.deepEqual(inputs(card), []);
      const outcome = ofType(card, 'TextBlock').find((t) => t.text === DECIDED.outcome)!;
      assert.equal(outcome.color, 'good');
      assert.ok(texts(card).includes(DECIDED.comment!));
      assert.ok(texts(card).includes(DECIDED.steps[0]!.title));
      const { comment: _comment, ...noComment } = DECIDED;
      assert.equal(texts(renderDecidedCard(noComment)).length, texts(card).length - 1);
    });
  });

  describe('progress card', () => {
    it('offers Retry only when retry is given', () => {
      assert.deepEqual(executes(renderProgressCard(PROGRESS)), []);
      assert.deepEqual(
        executes(renderProgressCard(PROGRESS_FAILED)).map((a) => [a.title, a.verb, a.data]),
        [['Retry failed steps', VERBS.retry, { requestId: REQUEST_ID }]],
      );
    });

    it('shows the status in its tone, then the step lines', () => {
      const card = renderProgressCard(PROGRESS_FAILED);
      const status = ofType(card, 'TextBlock').find((t) => t.text === PROGRESS_FAILED.status)!;
      assert.equal(status.color, 'attention');
      assert.equal(ofType(card, 'ColumnSet').length, PROGRESS_FAILED.steps.length);
      assert.ok(texts(card).includes(PROGRESS_FAILED.steps[13]!.note));
    });
  });

  describe('summary card', () => {
    it('lists the groups left in place and the follow-ups', () => {
      const card = renderSummaryCard(SUMMARY);
      const t = texts(card);
      assert.ok(t.includes('Left in place') && t.includes('Follow-ups for IT'));
      const leftFacts = allObjects(content(card)).find((o) => o.id === 'leftInPlace')!;
      assert.deepEqual(ofType({ contentType: '', content: leftFacts }, 'FactSet')[0]!.facts, SUMMARY.leftInPlace);
      assert.equal(SUMMARY.leftInPlace.length, 17);
      for (const followUp of SUMMARY.followUps) {
        assert.ok(t.includes(`• ${followUp}`), followUp);
      }
      assert.equal(ofType(card, 'TextBlock').find((b) => b.text === SUMMARY.outcome)!.color, 'attention');
      assert.deepEqual(ofType(card, 'FactSet')[0]!.facts, SUMMARY.facts);
      assert.deepEqual(executes(card), []);
    });

    it('leaves out the sections that are empty', () => {
      const card = renderSummaryCard({ ...SUMMARY, steps: [], leftInPlace: [], followUps: [] });
      const t = texts(card);
      assert.ok(!t.includes('Left in place') && !t.includes('Follow-ups for IT'));
      assert.equal(ofType(card, 'ColumnSet').length, 0);
    });
  });

  describe('status card', () => {
    it('has one block per request, with the note when given', () => {
      const card = renderStatusCard(STATUS);
      const t = texts(card);
      assert.ok(t.includes(`${REQUEST_ID}: Jane Doe`), 'a title that starts with the id is shown as is');
      assert.ok(t.includes('OFF-2026-0041 · Paul Berg'), 'the id is added to a title without it');
      for (const r of STATUS.requests) {
        assert.ok(t.includes(r.status) && t.includes(r.detail));
      }
      const empty = renderStatusCard({ title: 'Offboarding requests', requests: [], note: 'No offboarding requests yet.' });
      assert.deepEqual(texts(empty), ['Offboarding requests', 'No offboarding requests yet.']);
    });
  });
});
