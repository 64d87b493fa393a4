import type { Knex } from 'knex'

/**
 * What the durable workflow runner needs beyond 20261122000700_workflows:
 * - `workflow_steps.checkpoint`: a step's resumable state (e.g. "chunks 0..399 embedded"),
 *   written in the same transaction as the work it describes, so a restart continues
 *   mid-step without redoing or half-applying anything.
 * - `workflow_schedules`: recurring runs ("daily at 03:00", "every 30 minutes") with the
 *   last due time that got a run, so a machine that slept through several due times gets
 *   one catch-up run, not one per missed occurrence.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table workflow_steps add column checkpoint jsonb;

    create table workflow_schedules (
      key text primary key,
      name text not null,
      spec jsonb not null,
      input jsonb not null default '{}'::jsonb,
      enabled boolean not null default true,
      anchor_at timestamptz not null,
      last_due_at timestamptz,
      last_run_id uuid references workflow_runs(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists workflow_schedules; alter table workflow_steps drop column if exists checkpoint;')
}
