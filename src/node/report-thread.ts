import { Worker } from "node:worker_threads";
import type { ReportJob } from "../reports/service/report-job.js";
import {
  type Made,
  type NameReader,
  type ReportMaker,
  ReportStopped,
} from "../reports/service/report-maker.js";
import type { Logger } from "../storage/ports.js";
import type { FromThread } from "./report-thread-entry.js";

type Waiting = { resolve(value: unknown): void; reject(error: Error): void };

/**
 * Reports made on a worker thread (node:worker_threads) with its own connection to the store:
 * it reads the rows, builds the file and stores it; this thread only claims the job, answers its
 * question for the objects' names, and ends it.
 *
 * Why a thread, and why the reading too, rather than chunks that yield to the event loop
 * (measured with a /px every 10 ms during the largest report, 500,000 rows, on 2 busy cores):
 * - everything on the event loop: /px p99 3,226 ms;
 * - the building on a thread, the rows read here and copied to it 2,000 at a time: p99 2.2 to
 *   2.6 s, because parsing half a million rows here and collecting them (scavenges of 25 to
 *   110 ms each) is itself seconds of the edge's CPU, however it is cut;
 * - all of it on a thread with its own connection: p99 17 to 53 ms, no worse than the machine.
 * Chunks would also have to cut a sort that does not cut, and every later change would have to
 * remember to yield. A thread is ended at once (terminate) by a stop or a report past its time.
 * It lowers its own priority (report-thread-entry.ts) and its queries use one core of the
 * server (no parallel workers). The price: starting it from TypeScript takes 0.3 to 2 s, once.
 */
export class ReportThread implements ReportMaker {
  private worker: Worker | null = null;
  private readonly calls = new Map<number, Waiting>();
  private lastCall = 0;
  private names: NameReader | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  make(job: ReportJob, maxRows: number, names: NameReader): Promise<Made> {
    this.names = names;
    return this.call({ op: "make", job, maxRows }) as Promise<Made>;
  }

  async store(jobId: string, now: number): Promise<void> {
    await this.call({ op: "store", jobId, now });
  }

  abort(): void {
    const worker = this.worker;
    if (!worker) return;
    this.ended(worker, new ReportStopped());
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.abort();
  }

  private call(
    message:
      | { op: "make"; job: ReportJob; maxRows: number }
      | { op: "store"; jobId: string; now: number },
  ): Promise<unknown> {
    const call = ++this.lastCall;
    return new Promise((resolve, reject) => {
      this.calls.set(call, { resolve, reject });
      this.thread().postMessage({ ...message, call });
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread(this.databaseUrl);
    // An idle thread does not keep the process alive.
    worker.unref();
    worker.on("message", (message: FromThread) => this.heard(worker, message));
    worker.on("error", (error) => this.ended(worker, error));
    worker.on("exit", () => this.ended(worker, new ReportStopped()));
    this.worker = worker;
    return worker;
  }

  private heard(worker: Worker, message: FromThread): void {
    if (message.op === "log") {
      this.log(message.entry);
      return;
    }
    if (message.op === "names") {
      const names = this.names;
      if (!names) return;
      names(message.ids).then(
        (value) => worker.postMessage({ op: "names", ask: message.ask, names: value }),
        (error: Error) =>
          worker.postMessage({ op: "names", ask: message.ask, error: String(error.message) }),
      );
      return;
    }
    const waiting = this.calls.get(message.call);
    this.calls.delete(message.call);
    if (message.error === undefined) waiting?.resolve(message.value);
    else waiting?.reject(new Error(message.error));
  }

  /** The thread is gone: what waited for it fails, and the next call starts another. */
  private ended(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const waiting of this.calls.values()) waiting.reject(error);
    this.calls.clear();
  }
}

/**
 * The thread runs report-thread-entry beside this file: compiled JavaScript in dist/, or
 * TypeScript when the process runs from source (tsx, vitest), which a new thread can only load
 * through tsx's loader, registered in the thread before the entry is imported.
 */
function startThread(databaseUrl: string): Worker {
  const workerData = { databaseUrl };
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(`./report-thread-entry.${fromSource ? "ts" : "js"}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData });
  const loader = import.meta.resolve("tsx/esm/api");
  const boot = `import { register } from ${JSON.stringify(loader)};
register();
await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}
