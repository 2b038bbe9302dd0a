import { defineStackTestConfig } from '../../../vitest.shared.js';

export default defineStackTestConfig();
