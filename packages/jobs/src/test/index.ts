export { deleteKeys } from '../delete-keys.js';
export {
  createTestPrefix,
  type TestPrefix,
  TestRedisServer,
  testRedisUrl,
} from './test-redis.js';
