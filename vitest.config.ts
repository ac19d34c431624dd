import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // One private PostgreSQL for the run; each file makes its own databases on it.
    globalSetup: ["test/helpers/global-postgres.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
