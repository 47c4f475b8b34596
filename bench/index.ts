// `npm run bench`: measures, prints figures, asserts nothing. Each benchmark is a module in this folder.
import { benchBatch } from './batch';
import { benchConversation } from './conversation';
import { benchEngineRun } from './engine-run';
import { benchGovernorBatchCompiled, benchGovernorJanes } from './governor';
import { benchHelpRoundTrip } from './help-roundtrip';
import { benchStores } from './store';

async function main(): Promise<void> {
  const results = [
    await benchEngineRun(50),
    await benchStores(50),
    await benchConversation(50, 50),
    await benchHelpRoundTrip({ conversations: 50, messagesPerConversation: 10 }),
    await benchGovernorBatchCompiled(500),
    await benchGovernorJanes(),
    await benchBatch(),
  ];
  for (const r of results) {
    console.log(`\n${r.name}`);
    for (const [k, v] of Object.entries(r.figures)) {
      console.log(`  ${k.padEnd(28)} ${v}`);
    }
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
