import { configDefaults, defineConfig } from "vitest/config";

/**
 * Tests of pure modules (no Redis, no PostgreSQL, no browser, no clock of their own):
 * `npm run test:unit` runs them alone, in seconds. Every other test uses the real parts.
 */
const UNIT = ["test/unit/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...UNIT],
          // One private PostgreSQL for the run; each file makes its own databases on it.
          globalSetup: ["test/helpers/global-postgres.ts"],
        },
      },
    ],
  },
});
