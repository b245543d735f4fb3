import GRDB

/// The store's schema, one migration per version; never edit a migration that has shipped.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: workers, inbox, outbox, conversations") { db in
            // The only place a raw channel address lives, apart from everything else, so that
            // erasing a worker or a stolen copy of the other tables reveals no address.
            try db.create(table: "worker_address") { t in
                t.primaryKey("pseudonym", .text)
                t.column("channel", .text).notNull()
                t.column("address", .text).notNull()
            }
            try db.create(table: "inbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("channel", .text).notNull()
                t.column("message_id", .text).notNull()
                t.column("pseudonym", .text).notNull().indexed()
                t.column("text", .text).notNull()
                t.column("received_at", .datetime).notNull()
                t.column("processed_at", .datetime)
                // A message delivered twice by its channel (a retry, a restart) is stored once.
                t.uniqueKey(["channel", "message_id"])
            }
            try db.create(index: "inbox_pending", on: "inbox", columns: ["processed_at", "id"])
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("channel", .text).notNull()
                t.column("pseudonym", .text).notNull().indexed()
                t.column("text", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("delivered_at", .datetime)
                t.column("attempts", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["channel", "delivered_at", "id"])
            try db.create(table: "conversation") { t in
                t.primaryKey("pseudonym", .text)
                t.column("state", .jsonText).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            // Where each polled channel stands (an update offset), advanced only after a commit.
            try db.create(table: "channel_cursor") { t in
                t.primaryKey("channel", .text)
                t.column("cursor", .text).notNull()
            }
        }
        migrator.registerMigration("v2: unanswered questions") { db in
            // What the bot could not answer well, for operators (`entraide intents gaps`). No address;
            // the pseudonym is kept only so that "forget me" erases these too.
            try db.create(table: "unanswered") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("pseudonym", .text).notNull().indexed()
                t.column("text", .text).notNull()
                t.column("language", .text)
                t.column("decision", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v3: volunteers, cases, case events, announcements, audit") { db in
            try db.create(table: "volunteer") { t in
                t.primaryKey("alias", .text)
                // Comma-separated language codes the volunteer answers in.
                t.column("languages", .text).notNull()
                // The services account that proves who they are on IRC (account-tag), if any.
                t.column("irc_account", .text)
                // SHA-256 of their login token; the token itself is shown once and never stored.
                t.column("token_hash", .text)
                t.column("created_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
            }
            try db.create(table: "helpline_case") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("pseudonym", .text).notNull().indexed()
                t.column("channel", .text).notNull()
                t.column("language", .text).notNull()
                t.column("topic", .text).notNull()
                t.column("urgent", .boolean).notNull()
                t.column("status", .text).notNull()  // open, claimed, closed
                t.column("claimed_by", .text)
                t.column("blocked", .boolean).notNull().defaults(to: false)
                t.column("outcome", .text)
                t.column("opened_at", .datetime).notNull()
                t.column("claimed_at", .datetime)
                t.column("closed_at", .datetime)
                t.column("reminded_at", .datetime)
            }
            try db.create(index: "case_status", on: "helpline_case", columns: ["status", "urgent", "opened_at"])
            try db.create(table: "case_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("case_id", .integer).notNull().indexed().references("helpline_case", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("text", .text)
                t.column("created_at", .datetime).notNull()
            }
            // Messages to volunteers (announcements in their channel, a claimant's private
            // messages): delivered like the outbox, but to staff, never to workers.
            try db.create(table: "announcement") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull().unique()
                t.column("channel", .text).notNull()
                t.column("target", .text).notNull()
                t.column("text", .text).notNull()
                // The worker it is about, if any, so that "forget me" erases it.
                t.column("pseudonym", .text).indexed()
                t.column("created_at", .datetime).notNull()
                t.column("delivered_at", .datetime)
            }
            // Every volunteer action and every refusal, chained by hashes so that an edited or
            // removed record shows (`entraide audit verify`). No message text in it.
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                // Text, exactly as hashed (a datetime column would convert it).
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("case_id", .integer)
                t.column("outcome", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("previous_hash", .text).notNull()
                t.column("hash", .text).notNull()
            }
        }
        // Check-ins with a worker whose urgent case waits: how many were sent, and when the last one was.
        migrator.registerMigration("v4: urgent check-ins") { db in
            try db.alter(table: "helpline_case") { t in
                t.add(column: "checkins", .integer).notNull().defaults(to: 0)
                t.add(column: "checked_in_at", .datetime)
            }
        }
        // The volunteer desk: the worker's answer to "did this help?", a transfer waiting for its
        // receiver to accept, and announcements the server refused (not a delivery).
        migrator.registerMigration("v5: volunteer desk") { db in
            try db.alter(table: "helpline_case") { t in
                // yes / no; NULL while unanswered (reported as "no answer").
                t.add(column: "feedback", .text)
                t.add(column: "offered_to", .text)
                t.add(column: "offered_at", .datetime)
            }
            try db.alter(table: "announcement") { t in
                t.add(column: "attempts", .integer).notNull().defaults(to: 0)
                t.add(column: "failed_reason", .text)
            }
        }
        // Pending rows are a handful among a worker's thousands: partial indexes find them without walking the
        // history ("is this address still needed?" after each delivery took 5.8 ms for a worker with 20,000 rows).
        // The v1 indexes on (processed_at, id) and (channel, delivered_at, id) held every row; these hold only
        // the pending ones.
        migrator.registerMigration("v6: partial indexes on pending rows") { db in
            try db.execute(sql: "DROP INDEX inbox_pending")
            try db.execute(sql: "DROP INDEX outbox_pending")
            try db.execute(sql: "CREATE INDEX inbox_pending_rows ON inbox(id) WHERE processed_at IS NULL")
            try db.execute(sql: "CREATE INDEX inbox_pending_worker ON inbox(pseudonym) WHERE processed_at IS NULL")
            try db.execute(sql: "CREATE INDEX outbox_pending_rows ON outbox(channel, id) WHERE delivered_at IS NULL")
            try db.execute(sql: "CREATE INDEX outbox_pending_worker ON outbox(pseudonym) WHERE delivered_at IS NULL")
        }
        // The last reply of a "forget me" (the confirmation): once delivered, an endpoint that keeps messages (the
        // HTTP relay) is asked to forget the worker too (issue #18). Marked when written, not guessed later: a
        // worker without a conversation is not always one who asked to be erased (a refused flood, say).
        migrator.registerMigration("v7: the reply that ends an erasure") { db in
            try db.alter(table: "outbox") { t in t.add(column: "ends_erasure", .boolean).notNull().defaults(to: false) }
        }
        // The audit chain keyed and its details erasable (issue #18): each record links a digest of its detail, so
        // a volunteer's free text about a worker can be erased with them and the chain still verifies; `keyed`:
        // the links are HMACs under a key kept apart from the database (see `CaseStore.auditKey`). Earlier records
        // (no digest) are verified as they were written.
        migrator.registerMigration("v8: keyed audit chain") { db in
            try db.alter(table: "audit") { t in
                t.add(column: "detail_digest", .text)
                t.add(column: "keyed", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }
}

extension CaseStore {
    /// The schema this build writes: the last migration registered above, read from the migrator
    /// so that `entraide --version` and the backups can never name a schema that does not exist.
    public static var latestSchemaVersion: String {
        Migrations.migrator.migrations.last ?? "none"
    }
}
