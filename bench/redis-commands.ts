import { Redis } from "ioredis";

/** What a bench's own probes send; not counted as the edge's commands. */
const NOT_THE_EDGE = new Set([
  "info",
  "config",
  "xlen",
  "ping",
  "client",
  "hello",
  "select",
  "monitor",
]);

/**
 * Counts the commands the edge sends Redis while `drive` runs, by watching MONITOR: commands
 * that scripts run inside Redis are not round trips and are left out.
 */
export async function countEdgeCommands(
  redisUrl: string,
  drive: () => Promise<void>,
): Promise<{ total: number; byCommand: Record<string, number> }> {
  const client = new Redis(redisUrl);
  const monitor = await client.monitor();
  const byCommand: Record<string, number> = {};
  let total = 0;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const name = String(args[0]).toLowerCase();
    if (source === "lua" || NOT_THE_EDGE.has(name)) return;
    total += 1;
    byCommand[name] = (byCommand[name] ?? 0) + 1;
  });
  try {
    await drive();
    await new Promise((r) => setTimeout(r, 200)); // the last MONITOR lines are in flight
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
  return { total, byCommand };
}
