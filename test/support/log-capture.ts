import * as fs from "node:fs";

/**
 * Captures what a logger writes to stdout (pino writes with fs.writeSync, a
 * console or pretty stream with process.stdout.write) until `restore()`.
 */
export function captureStdout(): { text(): string; lines(): Array<Record<string, any>>; restore(): void } {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk));
  };
  const writeSync = jest.spyOn(fs, "writeSync").mockImplementation(((_fd: number, data: unknown) => {
    capture(data);
    return typeof data === "string" ? Buffer.byteLength(data) : (data as Buffer).length;
  }) as typeof fs.writeSync);
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation(((data: unknown) => {
    capture(data);
    return true;
  }) as typeof process.stdout.write);
  const text = () => chunks.join("");
  return {
    text,
    /** The JSON lines written so far. */
    lines: () =>
      text()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l)),
    restore: () => {
      writeSync.mockRestore();
      stdout.mockRestore();
    },
  };
}
