// Holds its instance busy for event.ms (30 s by default), for bench/density.ts.
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.ms ?? 30_000));
  return { slept: event.ms ?? 30_000 };
};
