// Bounded input, before any work: every limit in src/offboarding/limits.ts is the cards' maxLength (templated from the
// module) and is checked by the server. Over a limit: a specific reply, no request to Microsoft 365, nothing changed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LIMITS, MAX_LIST_ENTRIES } from '../../src/offboarding/limits';
import { renderApprovalCard, renderRequestCard } from '../../src/teams/cards';
import { VERBS } from '../../src/teams/verbs';
import { APPROVAL, REQUEST } from './card-samples';
import { BotHarness, inputsOf, textOf } from './harness';

const CARDS_DIR = path.join(__dirname, '../../src/teams/cards');

describe('input limits', function () {
  this.timeout(60_000);

  describe('the cards carry the same limits', () => {
    it('every maxLength in a card template is templated from the limits module', () => {
      const found: string[] = [];
      for (const file of fs.readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json'))) {
        const walk = (node: unknown): void => {
          if (Array.isArray(node)) {
            node.forEach(walk);
          } else if (node && typeof node === 'object') {
            const o = node as Record<string, unknown>;
            if ('maxLength' in o) {
              const m = /^\$\{\$root\.maxLength\.(\w+)\}$/.exec(String(o.maxLength));
              assert.ok(m && m[1]! in LIMITS, `${file}: input ${String(o.id)} has maxLength ${JSON.stringify(o.maxLength)}, not one of the limits`);
              found.push(`${String(o.id)}=${m[1]}`);
            }
            Object.values(o).forEach(walk);
          }
        };
        walk(JSON.parse(fs.readFileSync(path.join(CARDS_DIR, file), 'utf8')));
      }
      // reason: the request card's, the batch request card's and the reinstatement card's; comment: the approval card's
      // and the batch approval card's.
      assert.deepEqual(found.sort(), ['autoReplyMessage=autoReplyMessage', 'comment=comment', 'comment=comment', 'reason=reason', 'reason=reason', 'reason=reason']);
    });

    it('the rendered cards show the limits as numbers', () => {
      const request = inputsOf(renderRequestCard(REQUEST).content);
      assert.equal(request.get('reason')?.maxLength, LIMITS.reason);
      assert.equal(request.get('autoReplyMessage')?.maxLength, LIMITS.autoReplyMessage);
      assert.equal(inputsOf(renderApprovalCard(APPROVAL).content).get('comment')?.maxLength, LIMITS.comment);
    });

    it('the limits are the documented ones', () => {
      assert.deepEqual({ ...LIMITS, list: MAX_LIST_ENTRIES }, { name: 256, reason: 500, comment: 1000, autoReplyMessage: 4000, list: 500 });
    });
  });

  describe('the server checks them before any work', () => {
    let h: BotHarness;
    before(async () => {
      h = await new BotHarness().start();
    });
    after(async () => {
      await h?.stop();
    });

    /** Runs `act` and asserts it sent no request at all to the simulated tenant (reads included). */
    async function nothingCalled<T>(act: () => Promise<T>): Promise<T> {
      const before = h.bot.tenant!.requestLog().length;
      const result = await act();
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(h.bot.tenant!.requestLog().slice(before), []);
      return result;
    }

    it('an over-long name, UPN or mail argument: a specific reply, nothing looked up', async () => {
      for (const [command, arg] of [
        ['offboard', 'J'.repeat(300)],
        ['offboard', 'x'.repeat(200_000)],
        ['offboard', `${'a'.repeat(LIMITS.name)}@contoso.com`],
        ['status', `${'a'.repeat(300)}@contoso.com`],
        ['cancel', 'OFB-'.repeat(100)],
      ] as const) {
        const replies = await nothingCalled(() => h.say(h.people.isaac, `${command} ${arg}`));
        assert.equal(replies.length, 1);
        assert.match(textOf(replies[0]), new RegExp(`The text after \\*\\*${command}\\*\\* is longer than 256 characters \\(it has ${arg.length}\\).*Nothing was looked up or changed`));
      }
      // At the limit it is an ordinary (unknown) name: looked up (a 1:1 chat, so only the name decides the answer).
      assert.match(textOf((await h.say(h.people.isaac, `offboard ${'Z'.repeat(LIMITS.name)}`, 'a:isaac-limits'))[0]), /No user matches/);
    });

    it('an over-long reason or automatic reply on submit: a specific reply, nothing called, no request', async () => {
      const data = { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id };
      const reason = await nothingCalled(() => h.click(h.people.isaac, VERBS.submit, { ...data, reason: 'r'.repeat(LIMITS.reason + 1) }, 'card-reason'));
      assert.equal(reason.value, "The request can't be submitted: reason: the reason is longer than 500 characters. Nothing was changed.");
      const autoReply = await nothingCalled(() => h.click(h.people.isaac, VERBS.submit, { ...data, autoReplyMessage: 'm'.repeat(LIMITS.autoReplyMessage + 1) }, 'card-reply'));
      assert.equal(autoReply.value, "The request can't be submitted: autoReplyMessage: the automatic reply text is longer than 4000 characters. Nothing was changed.");
      assert.equal(await h.bot.service.openRequestFor(h.people.jane.id), undefined);
    });

    it('the domain checks them too, before any read', async () => {
      const isaac = { id: h.people.isaac.id, displayName: h.people.isaac.name };
      const found = await nothingCalled(() => h.bot.service.resolve(isaac, 'n'.repeat(LIMITS.name + 1), { kind: 'personal' }));
      assert.deepEqual(found, { ok: false, reason: 'The name, UPN or mail is longer than 256 characters (it has 257). Nothing was looked up.' });
      const decided = await nothingCalled(() => h.bot.service.decide('OFB-ABC123', { id: h.people.marcus.id, displayName: h.people.marcus.name }, 'approved', 'c'.repeat(LIMITS.comment + 1)));
      assert.deepEqual(decided, { ok: false, reason: 'The comment is longer than 1000 characters (it has 1001). Nothing was changed.' });
    });

    it('an over-long comment on approve or reject: a specific reply, nothing called', async () => {
      for (const verb of [VERBS.approve, VERBS.reject]) {
        const answer = await nothingCalled(() => h.click(h.people.marcus, verb, { requestId: 'OFB-ABC123', comment: 'c'.repeat(LIMITS.comment + 1) }, 'approval-card'));
        assert.equal(answer.value, 'The comment is longer than 1000 characters: shorten it and click again. Nothing was changed.');
      }
    });
  });
});
