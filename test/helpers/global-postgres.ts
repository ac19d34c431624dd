import type { TestProject } from "vitest/node";
import { type PrivatePostgres, startPrivatePostgres } from "./private-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may create databases on (their own, or TEST_DATABASE_URL). */
    postgresAdminUrl: string;
  }
}

let cluster: PrivatePostgres | null = null;

/**
 * vitest globalSetup: one private PostgreSQL cluster for the whole run (initdb once), unless
 * TEST_DATABASE_URL names a server for tests; each test file creates and drops its own
 * databases on it (test/helpers/test-database.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  const given = process.env.TEST_DATABASE_URL;
  if (!given) cluster = await startPrivatePostgres();
  project.provide("postgresAdminUrl", given ?? cluster?.url ?? "");
}

export async function teardown(): Promise<void> {
  await cluster?.destroy();
}
