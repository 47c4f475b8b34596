import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as AC from 'adaptivecards';
import { CARD_SAMPLES } from './card-samples';

const CARDS_DIR = path.resolve(__dirname, '../../src/teams/cards');
const MAX_CARD_BYTES = 80 * 1024; // Teams rejects messages over ~100 KB; stay well under.

/** Parses a card with the official adaptivecards renderer package and returns every problem it reports. */
export function adaptiveCardProblems(card: object): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    problems.push(`parse: ${context.getEventAt(i).message}`);
  }
  const validation = parsed.validateProperties();
  for (const event of validation.validationEvents) {
    problems.push(`validate: ${event.message}`);
  }
  return problems;
}

describe('card templates', () => {
  const templates = fs.readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json'));

  it('every template has sample data', () => {
    assert.ok(templates.length > 0);
    assert.deepEqual(templates.filter((t) => !CARD_SAMPLES[t]), []);
  });

  it('the validator reports a broken card (so a clean result means something)', () => {
    const problems = adaptiveCardProblems({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'Input.Text' }, { type: 'NoSuchElement' }],
    });
    assert.ok(problems.some((p) => /NoSuchElement/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /id/i.test(p)), problems.join('\n'));
  });

  for (const template of fs.readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json'))) {
    it(`${template}: every sample expands to a valid Adaptive Card 1.5 under 80 KB`, () => {
      for (const render of CARD_SAMPLES[template] ?? []) {
        const attachment = render();
        assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
        const json = JSON.stringify(attachment.content);
        assert.doesNotMatch(json, /\$\{/, 'a template expression was left unexpanded');
        assert.equal((attachment.content as { version?: string }).version, '1.5');
        assert.ok(Buffer.byteLength(json) < MAX_CARD_BYTES, `${template} is ${Buffer.byteLength(json)} bytes`);
        assert.deepEqual(adaptiveCardProblems(attachment.content as object), []);
      }
    });
  }
});
