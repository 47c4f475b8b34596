// One Azurite per suite, a fresh table/container prefix per store, so tests share the emulator but not their data.
import { randomInt } from 'node:crypto';
import { startAzurite, type RunningAzurite } from '../../scripts/lib/azurite';
import { AzureStore, type AzureStoreOptions } from '../../src/store/azure/store';

export function randomPrefix(): string {
  return Array.from({ length: 10 }, () => String.fromCharCode(97 + randomInt(26))).join('');
}

/** Starts Azurite before the suite and stops it after; `azurite()` is the running one. */
export function withAzurite(): () => RunningAzurite {
  let running: RunningAzurite | undefined;
  before(async function () {
    this.timeout(60_000);
    running = await startAzurite();
  });
  after(() => running?.stop());
  return () => running!;
}

export function openAzureStore(azurite: RunningAzurite, options?: AzureStoreOptions, prefix = randomPrefix()): Promise<AzureStore> {
  return AzureStore.open({ connectionString: azurite.connectionString, prefix }, options);
}
