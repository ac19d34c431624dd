import { readdirSync, readFileSync } from "node:fs";

function stat(pid: number): { ppid: number; state: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state = "", ppid = "0"] = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(ppid), state };
  } catch {
    return null;
  }
}

/** Whether a process exists and is not a zombie (Linux /proc). */
export function running(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== "Z";
}

/** `root` and all its living descendants (npm → sh → node, a primary and its workers). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s && s.state !== "Z")
      children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree.filter(running);
}
