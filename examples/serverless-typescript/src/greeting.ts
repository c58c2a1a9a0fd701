export function greeting(name: string): string {
  return `${process.env.GREETING ?? 'Hello'}, ${name}!`;
}
