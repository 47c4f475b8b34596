import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../src/config';

describe('config', () => {
  it('is simulated when no Microsoft 365 variable is set', () => {
    const c = loadConfig({});
    assert.equal(c.simulated, true);
  });
});
