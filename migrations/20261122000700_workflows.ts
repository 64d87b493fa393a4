import type { Knex } from 'knex'

/** Durable background work: runs made of steps, with progress, retries and logs. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table workflow_runs (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      status text not null default 'pending' check (status in ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
      progress real not null default 0 check (progress >= 0 and progress <= 1),
      progress_detail jsonb not null default '{}'::jsonb,
      input jsonb not null default '{}'::jsonb,
      output jsonb,
      error_code text,
      error text,
      attempts integer not null default 0,
      max_attempts integer not null default 3,
      cancel_requested boolean not null default false,
      concurrency_key text,
      scheduled_for timestamptz,
      source_event_id bigint references events(id),
      heartbeat_at timestamptz,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index workflow_runs_status on workflow_runs (status, created_at);
    create index workflow_runs_name on workflow_runs (name, created_at desc);

    create table workflow_steps (
      id uuid primary key default gen_random_uuid(),
      run_id uuid not null references workflow_runs(id) on delete cascade,
      step_index integer not null,
      name text not null,
      status text not null default 'pending' check (status in ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
      progress real not null default 0 check (progress >= 0 and progress <= 1),
      output jsonb,
      error text,
      attempts integer not null default 0,
      max_attempts integer not null default 3,
      next_attempt_at timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      unique (run_id, step_index)
    );

    create table workflow_logs (
      id bigint generated always as identity primary key,
      run_id uuid not null references workflow_runs(id) on delete cascade,
      step_id uuid references workflow_steps(id) on delete cascade,
      level text not null default 'info' check (level in ('debug', 'info', 'warn', 'error')),
      message text not null,
      created_at timestamptz not null default now()
    );
    create index workflow_logs_run on workflow_logs (run_id, id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists workflow_logs; drop table if exists workflow_steps; drop table if exists workflow_runs;')
}
