import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { NamedIds, ObjectNames } from "../reports/service/report-build.js";
import type { ReportJob } from "../reports/service/report-job.js";
import { makeReport } from "../reports/service/report-maker.js";

import { pgClient } from "../storage/sql/pg-client.js";
import { SqlReportJobs } from "../storage/sql/report-jobs.js";
import { SqlReportSource } from "../storage/sql/report-queries.js";

// The report thread (report-thread.ts starts it): one report at a time, read from the store
// through a connection of its own; it asks the process for the objects' names.

export type ToThread =
  | { op: "make"; call: number; job: ReportJob; maxRows: number }
  | { op: "store"; call: number; jobId: string; now: number }
  | { op: "names"; ask: number; names?: ObjectNames; error?: string };

export type FromThread =
  | { op: "done"; call: number; value?: unknown; error?: string }
  | { op: "names"; ask: number; ids: NamedIds }
  | { op: "log"; entry: Record<string, unknown> };

const port = parentPort;
if (!port) throw new Error("report-thread-entry runs as a worker thread");

// The edge's thread comes first: on Linux this thread lowers its own priority (nice 10; a
// thread's id is a pid to setpriority). Where that is not possible it runs as it is.
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), 10);
} catch {
  // not Linux, or no /proc
}
const send = (message: FromThread) => port.postMessage(message);
const sql = pgClient(
  (workerData as { databaseUrl: string }).databaseUrl,
  (entry) => send({ op: "log", entry }),
  { max: 1, serial: true },
);
const source = new SqlReportSource(sql);
const jobs = new SqlReportJobs(sql);

let made: { rowCount: number; file: string } | null = null;
let lastAsk = 0;
const asked = new Map<number, (answer: Extract<ToThread, { op: "names" }>) => void>();

const names = (ids: NamedIds): Promise<ObjectNames> =>
  new Promise((resolve, reject) => {
    const ask = ++lastAsk;
    asked.set(ask, (answer) => {
      if (answer.names) resolve(answer.names);
      else reject(new Error(answer.error ?? "no names"));
    });
    send({ op: "names", ask, ids });
  });

async function answer(message: Exclude<ToThread, { op: "names" }>): Promise<unknown> {
  if (message.op === "make") {
    made = null;
    const report = await makeReport(message.job, message.maxRows, source, names);
    if ("refused" in report) return report;
    made = report;
    return { rowCount: report.rowCount };
  }
  const report = made;
  made = null;
  if (!report) throw new Error("no report was made");
  await jobs.finish(message.jobId, message.now, report.rowCount, report.file);
  return null;
}

port.on("message", (message: ToThread) => {
  if (message.op === "names") {
    asked.get(message.ask)?.(message);
    asked.delete(message.ask);
    return;
  }
  answer(message).then(
    (value) => send({ op: "done", call: message.call, value }),
    (error: Error) => send({ op: "done", call: message.call, error: String(error.message) }),
  );
});
