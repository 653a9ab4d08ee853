import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../protocol/errors.js';
import { checkLimits } from './configure.js';

test('memory stops at 10240 MB although the model allows 32768', () => {
  checkLimits({ MemorySize: 10240 });
  assert.throws(() => checkLimits({ MemorySize: 10241 }), (e) => isAwsError(e) && e.code === 'ValidationException'
    && e.message === "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240");
});
