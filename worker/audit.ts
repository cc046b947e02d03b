import type { Sql, Tx } from './db/connect'

export interface AuditEntry {
  actorId: string | null
  /** Dotted, lower case: 'case.claim', 'source.update'. */
  action: string
  targetType: string
  targetId: string
  detail?: Record<string, unknown>
}

/** Records who did what to what; written in the same transaction as the change itself. */
export async function audit(sql: Sql | Tx, entry: AuditEntry): Promise<void> {
  await sql`
    insert into audit_log (actor_id, action, target_type, target_id, detail)
    values (${entry.actorId}, ${entry.action}, ${entry.targetType}, ${entry.targetId}, ${JSON.stringify(entry.detail ?? {})}::text::jsonb)`
}
