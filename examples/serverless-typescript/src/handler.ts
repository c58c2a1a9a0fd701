// A TypeScript handler: gust deploy bundles it with esbuild (source maps on), as serverless-esbuild does.
import { greeting } from './greeting';

interface HttpEvent {
  pathParameters?: Record<string, string>;
}

export const greet = async (event: HttpEvent): Promise<{ statusCode: number; body: string }> => {
  const name = event.pathParameters?.name ?? 'world';
  return { statusCode: 200, body: JSON.stringify({ message: greeting(name), stage: process.env.STAGE }) };
};
