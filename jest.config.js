/** Jest runs TypeScript through ts-jest without type-checking (npm run typecheck does that once, for the whole tree). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // @fastify/static (under Swagger UI) and light-my-request (fastify.inject) require ESM-only packages; Node 20 loads
    // them, jest's module system does not; @fastify/cookie loads cookie with import(), which jest only runs as require.
    'node_modules/(content-disposition|cookie|@fastify/cookie)/.+\\.js$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|@fastify/cookie)/)'],
  maxWorkers: 1,
  testTimeout: 120_000,
  slowTestThreshold: 60,
};
