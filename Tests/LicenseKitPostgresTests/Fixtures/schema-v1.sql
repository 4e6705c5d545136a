-- The PostgreSQL state schema version 1, exactly as licensectl created it before schema
-- version 2 (Session.schema at commit 4082211): the upgrade test creates it, fills it the way
-- version 1 wrote rows, and applies with the current build (docs/state.md §5.1 "Upgrade from version 1").
CREATE SCHEMA IF NOT EXISTS licensectl;
CREATE TABLE IF NOT EXISTS licensectl.schema_version (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS licensectl.tenants (
    owner text NOT NULL,
    name text NOT NULL,
    document jsonb NOT NULL,
    lineage text NOT NULL,
    serial bigint NOT NULL,
    applied_at timestamptz NOT NULL,
    PRIMARY KEY (owner, name));
CREATE TABLE IF NOT EXISTS licensectl.codes (
    code text PRIMARY KEY,
    owner text NOT NULL,
    tenant text NOT NULL,
    FOREIGN KEY (owner, tenant) REFERENCES licensectl.tenants (owner, name) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS codes_tenant ON licensectl.codes (owner, tenant);
CREATE TABLE IF NOT EXISTS licensectl.applies (
    id bigserial PRIMARY KEY,
    owner text NOT NULL,
    kind text NOT NULL,
    at timestamptz NOT NULL,
    inputs_digest text,
    host text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NOT NULL,
    tenants integer NOT NULL,
    events integer NOT NULL);
CREATE INDEX IF NOT EXISTS applies_owner ON licensectl.applies (owner, id);
CREATE TABLE IF NOT EXISTS licensectl.journal (
    apply_id bigint NOT NULL REFERENCES licensectl.applies (id),
    position bigint NOT NULL,
    owner text NOT NULL,
    tenant text NOT NULL,
    at timestamptz NOT NULL,
    action text NOT NULL,
    line text NOT NULL,
    PRIMARY KEY (apply_id, position));
CREATE INDEX IF NOT EXISTS journal_tenant ON licensectl.journal (owner, tenant);
INSERT INTO licensectl.schema_version (version) VALUES (1);
