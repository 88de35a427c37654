/** Jest runs TypeScript through ts-jest without type-checking (npm run typecheck does that once, for the whole tree). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  maxWorkers: 1,
  testTimeout: 120_000,
  slowTestThreshold: 60,
};
