import type { Stack } from '@llama-stack-ts/stack';
import { describe, expectTypeOf, it } from 'vitest';
import type { ServableStack } from './servable-stack.js';

describe('ServableStack', () => {
  it('is satisfied by every Stack core resolves (checked by tsc)', () => {
    expectTypeOf<Stack>().toExtend<ServableStack>();
  });
});
