// Waits on an event without sleeping a fixed time: polls the probe (backing off from 50 to
// 500 ms) until it gives a value, and fails with what it waited for once the deadline passes.
// The deadline is generous: it only bounds a failing test, and the suite must pass on a loaded machine.

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`timed out waiting for ${what}`);
}
