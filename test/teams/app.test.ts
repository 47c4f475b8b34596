import assert from 'node:assert/strict';
import { TestAdapter, type Activity, type Attachment } from 'botbuilder';
import { createTeamsApp } from '../../src/teams/app';
import { createAdapter } from '../../src/teams/adapter';
import { createLogger } from '../../src/logger';

function harness(doctor?: Parameters<typeof createTeamsApp>[0]['doctor']): TestAdapter {
  const app = createTeamsApp({ adapter: createAdapter(undefined), logger: createLogger({ level: 'silent' }), doctor });
  return new TestAdapter(async (context) => {
    await app.run(context);
  });
}

function cardOf(activity: Partial<Activity>): Record<string, unknown> {
  const attachment: Attachment | undefined = activity.attachments?.[0];
  assert.equal(attachment?.contentType, 'application/vnd.microsoft.card.adaptive');
  return attachment.content as Record<string, unknown>;
}

describe('teams app: help and unknown text', () => {
  it('answers help with a card that lists the help command', async () => {
    const adapter = harness();
    await adapter.send('help').assertReply((reply) => {
      const card = JSON.stringify(cardOf(reply));
      assert.match(card, /"title":"help"/);
      assert.match(card, /Show what I can do/);
      assert.doesNotMatch(card, /\$\{/);
    });
  });

  it('matches the command case-insensitively and after the bot mention is removed', async () => {
    const adapter = harness();
    const mention = {
      type: 'message',
      text: '<at>Offboarding</at>  HELP ',
      recipient: { id: 'bot', name: 'Offboarding' },
      entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'Offboarding' }, text: '<at>Offboarding</at>' }],
    } as Partial<Activity>;
    await adapter.send(mention).assertReply((reply) => assert.ok(cardOf(reply)));
  });

  it('gives other text a one-line hint naming help, and does not mistake "helpdesk" for help', async () => {
    const adapter = harness();
    await adapter
      .send('helpdesk please')
      .assertReply((reply) => {
        assert.equal(reply.attachments, undefined);
        assert.match(reply.text ?? '', /I don't know "helpdesk please"\. Type \*\*help\*\*/);
        assert.equal((reply.text ?? '').split('\n').length, 1);
      });
  });

  it('truncates long unknown text in the hint', async () => {
    const adapter = harness();
    await adapter.send('x'.repeat(500)).assertReply((reply) => {
      assert.ok((reply.text ?? '').length < 140);
      assert.match(reply.text ?? '', /…/);
    });
  });

  describe('doctor', () => {
    const from = (aadObjectId: string): Partial<Activity> => ({ type: 'message', text: 'doctor', from: { id: '29:x', name: 'X', aadObjectId } });
    const doctor = { isOperator: (id: string) => Promise.resolve(id === 'operator'), report: () => Promise.resolve('Missing: nothing\nResult: OK') };

    it('gives an operator the permission report', async () => {
      await harness(doctor).send(from('operator')).assertReply((reply) => assert.match(reply.text ?? '', /Result: OK/));
    });

    it('refuses anyone else, without running the check', async () => {
      let ran = false;
      const adapter = harness({ ...doctor, report: () => ((ran = true), Promise.resolve('')) });
      await adapter.send(from('someone')).assertReply((reply) => assert.match(reply.text ?? '', /only members of the offboarding operators group/));
      assert.equal(ran, false);
    });

    it('is listed on the help card when wired', async () => {
      await harness(doctor).send('help').assertReply((reply) => assert.match(JSON.stringify(reply.attachments), /doctor/));
    });
  });
});
