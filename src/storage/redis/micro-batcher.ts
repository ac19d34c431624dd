/** Runs `flush` once the current I/O phase is over (Node), or on the next turn elsewhere. */
const nextTurn: (run: () => void) => void =
  typeof setImmediate === "function" ? (run) => setImmediate(run) : (run) => setTimeout(run, 0);

interface Pending<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the items added during one turn of the event loop and hands them to `flush` in one
 * call, in the order they came. Under load the requests parsed in one I/O phase share one Redis
 * round trip; a lone request waits for nothing but the end of its own turn.
 */
export class MicroBatcher<In, Out> {
  private queue: Pending<In, Out>[] = [];

  constructor(
    private readonly flush: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch = 256,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length === 1) nextTurn(() => this.drain());
      else if (this.queue.length >= this.maxBatch) this.drain();
    });
  }

  private drain(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.flush(batch.map((p) => p.item)).then(
      (results) => {
        for (const [i, p] of batch.entries()) p.resolve(results[i] as Out);
      },
      (error) => {
        for (const p of batch) p.reject(error);
      },
    );
  }
}
