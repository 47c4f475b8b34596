// Sample data for every card template in src/teams/cards, rendered through its typed render function.
// cards.test.ts fails when a template has no sample here, so a new card cannot skip validation.
import type { Attachment } from 'botbuilder';
import { renderHelpCard } from '../../src/teams/cards';

export const CARD_SAMPLES: Record<string, Array<() => Attachment>> = {
  'help.json': [
    () =>
      renderHelpCard({
        commands: [
          { usage: 'help', description: 'Show what I can do.' },
          { usage: 'offboard <name | UPN | mail>', description: 'Start an offboarding.' },
        ],
      }),
  ],
};
