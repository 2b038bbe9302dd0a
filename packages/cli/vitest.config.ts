import { defineStackTestConfig } from '../../vitest.shared.js';

// The tests start the CLI as a real process (and a server); give them time on a busy 2-core machine.
export default defineStackTestConfig({ testTimeout: 60_000 });
