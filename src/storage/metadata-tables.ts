// The metadata.db tables as Kysely sees them: the one place their column types are written down
// for queries (the migrations in migrations/metadata/ are what creates them).
import type { Generated, Kysely, Transaction } from 'kysely';

export interface MetadataTables {
  cluster_nodes: { node_id: string; lease_until: number };
  concurrency_holds: { node_id: string; budget: string; held: number };
  cluster_leases: { name: string; node_id: string; lease_until: number };
  provisioned_status: { function_name: string; qualifier: string; available: number; failed: number };
  function_versions: { name: string; version: string; config: string };
  reserved_concurrency: { function_name: string; reserved: number };
  function_budgets: { function_name: string; unit: string; amount: number; hard: number; warned_month: string | null };
  event_invoke_configs: { function_name: string; qualifier: string; config: string };
  dead_letters: {
    id: Generated<number>;
    function_name: string;
    qualifier: string;
    request_id: string;
    condition: string;
    record: string;
    payload: Buffer;
    created_at: number;
  };
  idempotency_keys: { function_name: string; idempotency_key: string; request_id: string; created_at: number };
  http_routes: { id: string; method: string; path: string; route_shape: string; function_name: string; payload_format: string; created_at: number };
  function_urls: { url_id: string; function_name: string; qualifier: string; config: string };
  gateway_settings: { key: string; value: string };
  schedules: { group_name: string; name: string; config: string; next_run_at: number | null };
  aliases: { function_name: string; name: string; config: string };
  provisioned_concurrency: { function_name: string; qualifier: string; requested: number; last_modified: string };
  async_events: {
    id: Generated<number>;
    request_id: string;
    function_name: string;
    qualifier: string;
    payload: Buffer;
    attempts: Generated<number>;
    throttles: Generated<number>;
    due_at: number;
    lease_until: Generated<number>;
    created_at: number;
  };
  function_policies: { function_name: string; qualifier: string; revision_id: string; statements: string };
  access_keys: { access_key_id: string; secret: string; scope: Generated<string>; created_at: number; revoked_at: number | null };
  layers: { layer_name: string; last_version: number };
  layer_versions: { layer_name: string; version: number; config: string; policy: string | null };
  buckets: { name: string; region: string; created_at: number; tags: string | null; notification: string | null };
  objects: { bucket: string; key: string; size: number; etag: string; last_modified: number; headers: string; metadata: string; checksums: string; tags: string; blobs: string };
  multipart_uploads: { upload_id: string; bucket: string; key: string; initiated: number; settings: string };
  multipart_parts: { upload_id: string; part_number: number; blob_id: string; size: number; etag: string; checksums: string; last_modified: number };
  object_sequence: { id: number; value: number };
  event_source_mappings: { uuid: string; function_name: string; event_source_arn: string; config: string };
  sqs_queues: { name: string; attributes: string; tags: string; created_at: number; modified_at: number };
  sqs_messages: {
    seq: Generated<number>;
    queue_name: string;
    message_id: string;
    body: string;
    message_attributes: string | null;
    system_attributes: string | null;
    sender_id: string;
    group_id: string | null;
    dedup_id: string | null;
    sent_at: number;
    visible_at: number;
    receive_count: Generated<number>;
    first_received_at: number | null;
    receipt: string | null;
  };
  sqs_dedup: { queue_name: string; dedup_id: string; message_id: string; seq: number; created_at: number };
  sqs_move_tasks: { task_handle: string; source_queue: string; task: string; started_at: number };
  schema_migrations: { version: number; name: string; applied_at: number };
}

/** metadata.db, or a transaction on it: stores take either, so they can join a unit of work. */
export type MetadataDb = Kysely<MetadataTables> | Transaction<MetadataTables>;
