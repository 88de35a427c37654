/**
 * The fault drills (npm run test:cluster): a real Temporal cluster on PostgreSQL, so they are slow and run apart
 * from `npm test`, whose config never matches their `*.drill.ts` files.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.drill.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  maxWorkers: 1,
  testTimeout: 300_000,
  slowTestThreshold: 120,
};
