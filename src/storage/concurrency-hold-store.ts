// The shared side of cluster-wide concurrency limits, on PostgreSQL: each node's lease and the slots
// it holds of each budget (a reserved function's, or the unreserved pool). What a budget has left
// is its limit minus the slots live nodes hold, so the slots of a node that died (kill -9, a lost
// machine) come back when its lease ends, without anyone cleaning up after it. Times are the
// database's clock, so nodes whose clocks disagree still agree on whose lease ended.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { MetadataDb, MetadataTables } from './metadata-tables.js';

/** Milliseconds since the epoch, on the database's clock. */
const NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
/** Namespaces the advisory locks of budgets (ASCII "conc"), beside the migrations' lock. */
const BUDGET_LOCK = 0x636f6e63;

export interface GrantRequest {
  nodeId: string;
  budget: string;
  /** The budget's limit (a reservation, or the unreserved pool). */
  limit: number;
  /** What this node holds now (the value its row has). */
  held: number;
  /** How many slots beyond the one needed this node may take, given the budget's free slots and the live nodes. */
  extra: (free: number, liveNodes: number) => number;
  leaseMs: number;
}

export class ConcurrencyHoldStore {
  constructor(private readonly db: Kysely<MetadataTables>) {}

  /**
   * Takes one slot and perhaps a few more for this node, if the budget has one free among the
   * slots that live nodes hold; returns how many it took (0: the budget is spent). Grants of one
   * budget take turns (an advisory lock for the transaction), so two nodes never take its last slot.
   */
  async grant(req: GrantRequest): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${BUDGET_LOCK}, hashtext(${req.budget}))`.execute(tx);
      // Taking a slot renews this node's lease: a grant never counts against a lease that lapsed.
      await this.renewIn(tx, req.nodeId, req.leaseMs);
      const row = await tx
        .selectNoFrom((eb) => [
          eb.selectFrom('cluster_nodes').select((e) => e.fn.countAll<number>().as('n')).where('lease_until', '>', NOW).as('live'),
          eb
            .selectFrom('concurrency_holds as h')
            .innerJoin('cluster_nodes as n', 'n.node_id', 'h.node_id')
            .select((e) => e.fn.coalesce(e.fn.sum<number>('h.held'), sql<number>`0`).as('s'))
            .where('h.budget', '=', req.budget)
            .where('h.node_id', '<>', req.nodeId)
            .where('n.lease_until', '>', NOW)
            .as('others'),
        ])
        .executeTakeFirstOrThrow();
      const free = req.limit - Number(row.others) - req.held;
      if (free < 1) return 0;
      const granted = 1 + Math.max(0, Math.min(free - 1, req.extra(free, Math.max(1, Number(row.live)))));
      await this.writeIn(tx, req.nodeId, req.budget, req.held + granted);
      return granted;
    });
  }

  /** Sets what this node holds of a budget (slots it returns). */
  async setHeld(nodeId: string, budget: string, held: number): Promise<void> {
    await this.writeIn(this.db, nodeId, budget, held);
  }

  /** Renews this node's lease; forgets the holds of nodes whose leases ended a lease ago. */
  async heartbeat(nodeId: string, leaseMs: number): Promise<void> {
    await this.renewIn(this.db, nodeId, leaseMs);
    const gone = this.db.selectFrom('cluster_nodes').select('node_id').where('lease_until', '<', sql<number>`${NOW} - ${leaseMs}`);
    await this.db.deleteFrom('concurrency_holds').where('node_id', 'in', gone).execute();
    await this.db.deleteFrom('cluster_nodes').where('lease_until', '<', sql<number>`${NOW} - ${leaseMs}`).execute();
  }

  /** Leaves the cluster cleanly: this node's slots are free at once, not when its lease ends. */
  async leave(nodeId: string): Promise<void> {
    await this.db.deleteFrom('concurrency_holds').where('node_id', '=', nodeId).execute();
    await this.db.deleteFrom('cluster_nodes').where('node_id', '=', nodeId).execute();
    await this.db.deleteFrom('cluster_leases').where('node_id', '=', nodeId).execute();
  }

  /**
   * Takes or keeps the named lease for this node: true while this node holds it. Another node
   * gets it only once its holder stopped renewing it for `leaseMs`.
   */
  async holdLease(name: string, nodeId: string, leaseMs: number): Promise<boolean> {
    const row = await this.db
      .insertInto('cluster_leases')
      .values({ name, node_id: nodeId, lease_until: sql<number>`${NOW} + ${leaseMs}` })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ node_id: nodeId, lease_until: sql<number>`${NOW} + ${leaseMs}` })
          .where((eb) => eb.or([eb('cluster_leases.node_id', '=', nodeId), eb('cluster_leases.lease_until', '<', NOW)])),
      )
      .returning('node_id')
      .executeTakeFirst();
    return row?.node_id === nodeId;
  }

  private async renewIn(db: MetadataDb, nodeId: string, leaseMs: number): Promise<void> {
    await db
      .insertInto('cluster_nodes')
      .values({ node_id: nodeId, lease_until: sql<number>`${NOW} + ${leaseMs}` })
      .onConflict((oc) => oc.column('node_id').doUpdateSet({ lease_until: sql<number>`${NOW} + ${leaseMs}` }))
      .execute();
  }

  private async writeIn(db: MetadataDb, nodeId: string, budget: string, held: number): Promise<void> {
    await db
      .insertInto('concurrency_holds')
      .values({ node_id: nodeId, budget, held })
      .onConflict((oc) => oc.columns(['budget', 'node_id']).doUpdateSet({ held }))
      .execute();
  }
}
