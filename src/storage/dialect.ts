// What differs between the two SQL engines behind the metadata stores, in one place: the stores
// and migrations are portable Kysely, and ask here for the few things that are not (column types
// that SQLite does not distinguish, row locks that only PostgreSQL has).
import { OperationNodeTransformer, PostgresAdapter, type DataTypeNode, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { Kysely, Transaction } from 'kysely';

type AnyDb = Kysely<any> | Transaction<any>;

export function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Column types by what they hold. SQLite's INTEGER is 64-bit whatever it is called, so an existing
 * data directory keeps the exact schema it always had; PostgreSQL's integer is 32-bit, too small
 * for milliseconds since 1970, and its real is single precision.
 */
export function columnTypes(db: AnyDb) {
  const pg = isPostgres(db);
  return {
    /** A time in milliseconds since the epoch (or any count that may pass 2^31). */
    millis: pg ? ('bigint' as const) : ('integer' as const),
    bytes: pg ? ('bytea' as const) : ('blob' as const),
    double: pg ? ('double precision' as const) : ('real' as const),
    /** An id the database numbers: SQLite's AUTOINCREMENT, PostgreSQL's bigserial. */
    serial: pg ? ('bigserial' as const) : ('integer' as const),
    autoIncrement: !pg,
  };
}

/**
 * Makes every text column of the tables it creates compare as bytes (COLLATE "C"), as SQLite's
 * BINARY does: listings page by name and key with `>` markers, and a locale collation would order
 * (and so page) them differently from SQLite and from S3.
 */
export class ByteOrderTextPlugin implements KyselyPlugin {
  private readonly transformer = new (class extends OperationNodeTransformer {
    protected override transformDataType(node: DataTypeNode): DataTypeNode {
      return node.dataType === 'text' ? ({ ...node, dataType: 'text collate "C"' } as unknown as DataTypeNode) : node;
    }
  })();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
