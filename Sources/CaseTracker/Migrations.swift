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
        return migrator
    }
}
