import { MemoryStore } from '../../src/store/memory';
import { storeContract } from './contract';

describe('MemoryStore', () => {
  storeContract(() => {
    const store = new MemoryStore();
    return Promise.resolve({ store, dispose: () => store.close() });
  });
});
