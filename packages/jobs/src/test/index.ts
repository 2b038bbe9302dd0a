export {
  createTestPrefix,
  deleteKeys,
  type TestPrefix,
  TestRedisServer,
  testRedisUrl,
} from './test-redis.js';
