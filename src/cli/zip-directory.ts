// Packs a function's directory into a deployment zip, keeping the executable bit (a custom
// runtime's `bootstrap` must stay executable) and skipping what never belongs in a package.
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

const SKIP = new Set(['.git', '.gust', '.DS_Store']);

export function zipDirectory(dir: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, relPath);
      const stat = fs.statSync(full);
      if (stat.isDirectory()) walk(relPath);
      else if (stat.isFile()) zip.addFile(full, relPath, { mode: stat.mode & 0o777 ? 0o100000 | (stat.mode & 0o755) : 0o100644, mtime: stat.mtime });
    }
  };
  walk('');
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
