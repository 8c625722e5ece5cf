import { MemoryPacer, keyId } from "./pacer";

describe("MemoryPacer", () => {
  it("grants the burst at once, then one token per 60/perMinute seconds", async () => {
    const p = new MemoryPacer(60, 3); // one a second
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await p.take("k", 0));
    expect(got).toEqual([0, 0, 0, 1000]);
    expect(await p.take("k", 999)).toBe(1);
    expect(await p.take("k", 1000)).toBe(0);
  });

  it("keeps keys apart", async () => {
    const p = new MemoryPacer(60, 1);
    expect(await p.take("a", 0)).toBe(0);
    expect(await p.take("b", 0)).toBe(0);
    expect(await p.take("a", 0)).toBeGreaterThan(0);
  });

  it("a 429 block makes every taker wait until it ends", async () => {
    const p = new MemoryPacer(6000, 10); // a token every 10 ms
    const until = Date.now() + 5_000;
    await p.block("k", until);
    const wait = await p.take("k", Date.now());
    expect(wait).toBeGreaterThan(4_000);
    expect(await p.take("k", until + 1)).toBe(9);
    expect(await p.take("k", until + 10)).toBe(0);
  });

  it("a key coming out of a 429 block starts with an empty bucket: no burst, one token per interval", async () => {
    const p = new MemoryPacer(60, 10); // one a second, burst 10
    await p.block("k", 5_000);
    // Called at the block's end and after: a full bucket would grant 10 at once here.
    const granted: number[] = [];
    for (let t = 5_000; t <= 8_000; t += 100) if ((await p.take("k", t)) === 0) granted.push(t);
    expect(granted).toEqual([6_000, 7_000, 8_000]);
  });

  it.each([
    ["a", 60, 10, 70, 60_000],
    ["b", 120, 10, 130, 60_000],
  ])("never grants more than budget + burst in a window (%s)", async (_n, perMinute, burst, max, windowMs) => {
    const p = new MemoryPacer(perMinute, burst);
    let granted = 0;
    for (let t = 0; t < windowMs; t += 50) if ((await p.take("k", t)) === 0) granted++;
    expect(granted).toBeLessThanOrEqual(max);
    expect(granted).toBeGreaterThanOrEqual(max - 2);
  });

  it("identifies a key by a hash, not its value", () => {
    const id = keyId("R0123456789abcdef0123456789abcde");
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(id).not.toContain("0123456789");
  });
});
