-- The claimtrail workspace schema: the one source of it.
--
-- Each "-- migration N:" section below is applied once, in order, inside one
-- transaction, and `PRAGMA user_version` records the last one applied. Never edit
-- or remove a migration that has shipped; append a new one.
--
-- Conventions: ids are INTEGER PRIMARY KEYs shown to users with a type letter
-- (D1, C1); hashes are lowercase hex SHA-256; times are RFC 3339 UTC text;
-- character offsets count Unicode scalar values, end exclusive.

-- migration 1: articles, their texts, anchored claims, the audit log

-- Text derived from stored bytes (decoded, later extracted from HTML or PDF).
-- The text itself is a blob named by `sha256`.
CREATE TABLE texts (
    id                INTEGER PRIMARY KEY,
    sha256            TEXT NOT NULL,
    chars             INTEGER NOT NULL,
    extractor         TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    UNIQUE (sha256, extractor, extractor_version)
);

-- An article whose claims are logged. Its bytes are a blob named by `sha256`.
CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    origin     TEXT NOT NULL,          -- the path or URL it was taken from
    title      TEXT NOT NULL,
    publisher  TEXT,
    url        TEXT,
    published  TEXT,
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    encoding   TEXT NOT NULL,
    text_id    INTEGER NOT NULL REFERENCES texts(id),
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
);

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    doc_id      INTEGER REFERENCES documents(id),
    -- W3C TextQuoteSelector and TextPositionSelector in the document's text;
    -- all NULL for a claim logged without an article.
    exact       TEXT,
    prefix      TEXT,
    suffix      TEXT,
    start       INTEGER,
    "end"       INTEGER,
    status      TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN
                ('unverified', 'in-review', 'verified', 'disputed', 'false',
                 'misleading', 'unverifiable')),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    CHECK ((doc_id IS NULL) = (exact IS NULL)),
    CHECK (start IS NULL OR (start >= 0 AND "end" >= start))
);

CREATE TABLE claim_tags (
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    tag      TEXT NOT NULL,
    PRIMARY KEY (claim_id, tag)
) WITHOUT ROWID;

-- The audit log: append-only and hash-chained (see src/audit.rs for the exact
-- construction). `payload` holds the canonical JSON bytes that were hashed; the
-- other columns repeat its fields so they can be queried.
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    payload   BLOB NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: events cannot be changed');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: events cannot be deleted');
END;

-- migration 2: workspace settings and the indexes behind list filters and history

CREATE TABLE config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX claims_by_doc ON claims (doc_id, start);
CREATE INDEX claims_by_status ON claims (status);
CREATE INDEX claim_tags_by_tag ON claim_tags (tag, claim_id);
CREATE INDEX events_by_subject ON events (subject, seq);

-- migration 3: sources, their snapshots over time, and failed rechecks

-- Something a checker consulted: a web page or a local file.
CREATE TABLE sources (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('url', 'file')),
    locator   TEXT NOT NULL,            -- the URL as given, or the file's absolute path
    title     TEXT,
    added_at  TEXT NOT NULL,
    added_by  TEXT NOT NULL,
    UNIQUE (kind, locator)
);

-- One capture of a source: the bytes exactly as received (a blob named by
-- `sha256`) and how they were received. A source has any number of these.
CREATE TABLE snapshots (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    seq          INTEGER NOT NULL,      -- shown as S1@seq
    requested    TEXT NOT NULL,         -- the URL requested or the path read
    final_url    TEXT,                  -- after redirects
    redirects    TEXT NOT NULL,         -- JSON [{"url", "status"}], each hop in order
    http_status  INTEGER,
    headers      TEXT,                  -- JSON [[name, value], …]: grouped by name, in order of first appearance
    remote_ip    TEXT,
    file_mtime   TEXT,
    fetched_at   TEXT NOT NULL,         -- when the fetch started
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT,
    text_id      INTEGER REFERENCES texts(id),
    text_error   TEXT,                  -- why no text could be extracted
    taken_by     TEXT NOT NULL,
    UNIQUE (source_id, seq),
    CHECK ((text_id IS NULL) <> (text_error IS NULL))
);

CREATE INDEX snapshots_by_sha256 ON snapshots (sha256);

-- A recheck that brought back no content: the source is gone or unreachable.
CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    at          TEXT NOT NULL,
    http_status INTEGER,
    error       TEXT NOT NULL,
    by          TEXT NOT NULL
);

CREATE INDEX attempts_by_source ON attempts (source_id, id);

-- migration 4: evidence, reviews and corrections

-- A quote from one snapshot's text that supports, disputes or gives context to a
-- claim. It is pinned to the snapshot and the text it was anchored in.
CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims(id),
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    text_id     INTEGER NOT NULL REFERENCES texts(id),
    stance      TEXT NOT NULL CHECK (stance IN ('supports', 'disputes', 'context')),
    exact       TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    suffix      TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('exact', 'normalized', 'fuzzy')),
    score       REAL NOT NULL,
    figures     TEXT NOT NULL,          -- JSON: the figure check against the claim
    note        TEXT,
    stale       TEXT,                   -- why the quote is no longer borne out; NULL while it is
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL
);

CREATE INDEX evidence_by_claim ON evidence (claim_id);
CREATE INDEX evidence_by_snapshot ON evidence (snapshot_id);

-- Every verdict proposed for a claim, and what became of it.
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    claim_id      INTEGER NOT NULL REFERENCES claims(id),
    verdict       TEXT NOT NULL,
    note          TEXT NOT NULL,
    evidence      TEXT NOT NULL,        -- JSON array of the evidence ids considered
    proposed_by   TEXT NOT NULL,
    proposed_at   TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'rejected', 'withdrawn')),
    decided_by    TEXT,
    decided_at    TEXT,
    decision_note TEXT
);

CREATE INDEX reviews_by_claim ON reviews (claim_id, id);

-- A confirmed verdict replaced by a different one: the published corrections record.
CREATE TABLE corrections (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims(id),
    old_verdict TEXT NOT NULL,
    new_verdict TEXT NOT NULL,
    reason      TEXT NOT NULL,
    by          TEXT NOT NULL,
    at          TEXT NOT NULL
);

-- migration 5: checkpoints of the audit log, and the workspace's own name for them

-- A tree head over the first `size` events, as printed for the user to keep elsewhere.
CREATE TABLE checkpoints (
    id     INTEGER PRIMARY KEY,
    size   INTEGER NOT NULL,
    root   TEXT NOT NULL,               -- hex SHA-256 Merkle root
    text   TEXT NOT NULL,               -- the checkpoint note as printed
    signed INTEGER NOT NULL,
    at     TEXT NOT NULL,
    by     TEXT NOT NULL
);

-- The origin line of this workspace's checkpoints: random, fixed at creation.
INSERT OR IGNORE INTO config (key, value) VALUES ('workspace.id', lower(hex(randomblob(8))));

-- migration 6: each claim names the event that logged it

-- `claim import` logs a batch of claims in one `claim.import` event, whose subject
-- names the range; this is how a claim's history finds that event. Checked by
-- `audit verify` against the events, like every other column.
ALTER TABLE claims ADD COLUMN added_seq INTEGER;

UPDATE claims SET added_seq = (SELECT e.seq FROM events e
                               WHERE e.subject = 'C' || claims.id AND e.action = 'claim.add');
