// In a cluster one node keeps the provisioned instances warm (control/provisioned-keeper.ts); it
// writes here how many of each configuration are ready, so that every node reports the same
// status (GetProvisionedConcurrencyConfig through any node), not its own empty pool.
import type { Kysely } from 'kysely';
import type { MetadataTables } from './metadata-tables.js';

export interface ProvisionedStatus {
  available: number;
  failed: boolean;
}

export class ProvisionedStatusStore {
  constructor(private readonly db: Kysely<MetadataTables>) {}

  async get(functionName: string, qualifier: string): Promise<ProvisionedStatus> {
    const row = await this.db.selectFrom('provisioned_status').select(['available', 'failed']).where('function_name', '=', functionName).where('qualifier', '=', qualifier).executeTakeFirst();
    return { available: row?.available ?? 0, failed: (row?.failed ?? 0) !== 0 };
  }

  /** Replaces every status with these (the keeper's whole view). */
  async replaceAll(rows: { functionName: string; qualifier: string; status: ProvisionedStatus }[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('provisioned_status').execute();
      if (rows.length === 0) return;
      await tx
        .insertInto('provisioned_status')
        .values(rows.map((r) => ({ function_name: r.functionName, qualifier: r.qualifier, available: r.status.available, failed: r.status.failed ? 1 : 0 })))
        .execute();
    });
  }
}
