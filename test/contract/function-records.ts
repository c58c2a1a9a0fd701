// A complete function record for the contract suites.
import type { FunctionRecord } from '../../src/control/function-record.js';

export const functionRecord = (name: string, version = '$LATEST', extra: Partial<FunctionRecord> = {}): FunctionRecord => ({
  name,
  version,
  runtime: 'nodejs20.x',
  handler: 'index.handler',
  role: 'arn:aws:iam::000000000000:role/r',
  description: '',
  memorySize: 128,
  timeout: 3,
  environment: { A: '1' },
  architectures: ['x86_64'],
  ephemeralStorageMb: 512,
  tags: { 'gust:network': 'off' },
  codeSha256: 'c2hh',
  codeSize: 10,
  codeKey: `code-${name}`,
  revisionId: `rev-${name}-${version}`,
  lastModified: '2026-03-01T00:00:00.000+0000',
  ...extra,
});
