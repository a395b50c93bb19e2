// The catalog's schema, one migration per version. PRAGMA user_version records how far a
// database has come; each migration runs in a transaction, so a crash leaves the old version.
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'checkpoints and operations',
    sql: `
      CREATE TABLE checkpoints (
        id                   INTEGER PRIMARY KEY,
        engine_id            TEXT    NOT NULL,
        container_id         TEXT    NOT NULL,
        container_name       TEXT    NOT NULL,
        image                TEXT    NOT NULL,
        name                 TEXT    NOT NULL,
        created_at           INTEGER NOT NULL,
        mode                 TEXT    NOT NULL CHECK (mode IN ('stopped', 'running', 'unknown')),
        origin               TEXT    NOT NULL CHECK (origin IN ('manual', 'clone-source', 'imported', 'external', 'scheduled')),
        note                 TEXT    NOT NULL DEFAULT '',
        status               TEXT    NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'missing')),
        missing_since        INTEGER,
        size_bytes           INTEGER,
        pages_bytes          INTEGER,
        pages_dumped         INTEGER,
        process_count        INTEGER,
        processes            TEXT,
        duration_ms          INTEGER,
        freezing_us          INTEGER,
        frozen_us            INTEGER,
        memdump_us           INTEGER,
        memwrite_us          INTEGER,
        pages_scanned        INTEGER,
        pages_skipped_parent INTEGER,
        pages_written        INTEGER,
        scanned_at           INTEGER,
        UNIQUE (engine_id, container_id, name)
      );
      CREATE INDEX checkpoints_by_container ON checkpoints (engine_id, container_id, created_at);

      CREATE TABLE operations (
        id              INTEGER PRIMARY KEY,
        kind            TEXT    NOT NULL,
        engine_id       TEXT    NOT NULL,
        container_id    TEXT,
        checkpoint_name TEXT,
        started_at      INTEGER NOT NULL,
        finished_at     INTEGER,
        ok              INTEGER,
        error_code      TEXT,
        error_message   TEXT,
        detail          TEXT
      );
      CREATE INDEX operations_by_time ON operations (started_at);
    `,
  },
  {
    version: 2,
    description: 'checkpoint schedules and their runs',
    sql: `
      CREATE TABLE policies (
        id                   INTEGER PRIMARY KEY,
        engine_id            TEXT    NOT NULL,
        container_id         TEXT    NOT NULL,
        container_name       TEXT    NOT NULL,
        every_ms             INTEGER NOT NULL CHECK (every_ms >= 1000),
        keep_last            INTEGER NOT NULL CHECK (keep_last >= 1),
        keep_hourly          INTEGER NOT NULL DEFAULT 0,
        keep_daily           INTEGER NOT NULL DEFAULT 0,
        budget_bytes         INTEGER,
        max_failures         INTEGER NOT NULL DEFAULT 3 CHECK (max_failures >= 1),
        state                TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
        paused_reason        TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_run_at          INTEGER,
        last_run_at          INTEGER,
        created_at           INTEGER NOT NULL,
        UNIQUE (engine_id, container_id)
      );
      CREATE TABLE policy_runs (
        id              INTEGER PRIMARY KEY,
        policy_id       INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
        scheduled_for   INTEGER NOT NULL,
        started_at      INTEGER NOT NULL,
        finished_at     INTEGER,
        outcome         TEXT    CHECK (outcome IN ('ok', 'failed', 'skipped', 'interrupted')),
        checkpoint_name TEXT,
        catch_up        INTEGER NOT NULL DEFAULT 0,
        error_code      TEXT,
        error_message   TEXT,
        pruned          TEXT
      );
      CREATE INDEX policy_runs_by_policy ON policy_runs (policy_id, started_at);
    `,
  },
  {
    version: 3,
    description: 'containers to remove once their engine answers again',
    sql: `
      CREATE TABLE pending_removals (
        engine_id    TEXT    NOT NULL,
        container_id TEXT    NOT NULL,
        reason       TEXT    NOT NULL,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (engine_id, container_id)
      );
    `,
  },
  {
    version: 4,
    description: 'what each engine was measured to do',
    sql: `
      CREATE TABLE engine_capabilities (
        engine_id   TEXT    PRIMARY KEY,
        key         TEXT    NOT NULL,
        measured_at INTEGER NOT NULL,
        result      TEXT    NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: 'the operation journal: what a long operation made or stopped, until it is over',
    sql: `
      CREATE TABLE journal_ops (
        id         INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL,
        summary    TEXT    NOT NULL,
        owner      TEXT    NOT NULL,
        started_at INTEGER NOT NULL
      );
      CREATE TABLE journal_entries (
        id         INTEGER PRIMARY KEY,
        op_id      INTEGER NOT NULL REFERENCES journal_ops (id) ON DELETE CASCADE,
        engine_id  TEXT    NOT NULL,
        action     TEXT    NOT NULL CHECK (action IN ('remove-container', 'bring-back')),
        ref        TEXT    NOT NULL,
        checkpoint TEXT,
        label      TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX journal_by_engine ON journal_entries (engine_id);
    `,
  },
];
