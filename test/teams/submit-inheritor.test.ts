// The request card's inheritor: a person offered on the card (the manager, the requester), or "Someone else…" and the
// person found with Teams' people picker. What the submit turns into an inheritor id, and what it refuses.
import assert from 'node:assert/strict';
import { submitData } from '../../src/teams/actions/submit';
import { SOMEONE_ELSE } from '../../src/teams/view';

const JANE = '49acab2f-b4ee-5171-a92c-a2036996b10e';
const MARCUS = 'a1abf5df-27fe-52c8-84d4-86a6779ab3cb';
const TOM = 'f19ea5c6-87bc-595b-ac6e-b71a304132c5';

describe('submit: the inheritor', () => {
  it('a person chosen on the card is the inheritor; the picker is ignored then', () => {
    const parsed = submitData.parse({ leaverId: JANE, mailboxInheritorId: MARCUS, mailboxInheritorSearch: TOM });
    assert.equal(parsed.inheritorId, MARCUS);
    assert.equal(submitData.parse({ leaverId: JANE, mailboxInheritorId: MARCUS }).inheritorId, MARCUS, 'a submit carrying only the two ids');
  });

  it('"Someone else…" takes the person found with the people picker', () => {
    assert.equal(submitData.parse({ leaverId: JANE, mailboxInheritorId: SOMEONE_ELSE, mailboxInheritorSearch: TOM }).inheritorId, TOM);
  });

  it('"Someone else…" with nobody searched for is refused, saying what to do', () => {
    for (const search of [undefined, '', '  ']) {
      const parsed = submitData.safeParse({ leaverId: JANE, mailboxInheritorId: SOMEONE_ELSE, mailboxInheritorSearch: search });
      assert.equal(parsed.success, false);
      assert.deepEqual(parsed.error?.issues.map((i) => [i.path.join('.'), i.message]), [['mailboxInheritorSearch', 'you chose "Someone else…": search for the person who inherits the mailbox']]);
    }
  });

  it('anything else is refused as not an Entra object id', () => {
    for (const [field, value] of [['mailboxInheritorId', 'marcus'], ['mailboxInheritorSearch', 'tom']] as const) {
      const parsed = submitData.safeParse({ leaverId: JANE, mailboxInheritorId: SOMEONE_ELSE, [field]: value });
      assert.equal(parsed.success, false);
      assert.match(parsed.error.issues[0]!.message, new RegExp(`${field} must be an Entra object id`));
    }
    assert.equal(submitData.safeParse({ leaverId: JANE }).error?.issues[0]?.path[0], 'mailboxInheritorId', 'required');
  });
});
