#if PostgreSQL
import Foundation
import LicenseKit
import NIOCore
import PostgresNIO

/// Bulk writes of the PostgreSQL backend: `COPY … FROM STDIN` (docs/state.md §5.1 "Schema
/// version 2"), which the server stores with its multi-row insert path, instead of one
/// `INSERT … SELECT FROM unnest(…)` row by row.
extension Session {
    /// How a ``copy(into:columns:tolerating:chunks:)`` ended.
    enum CopyOutcome: Equatable {
        /// Every row was stored.
        case stored
        /// The server refused the rows with the tolerated SQLSTATE (nothing of the `COPY` is
        /// stored; the transaction is aborted until the caller rolls back to a savepoint).
        case refused
    }

    /// The SQLSTATE of a unique violation.
    static let uniqueViolation = "23505"

    /// Copies rows into a table of the `licensectl` schema in PostgreSQL's text format, as
    /// `chunks` produces them: chunk `i` is built (by the caller, e.g. serialized on all cores)
    /// while the server still stores chunk `i − 1`, so the client's and the server's work
    /// overlap. `chunks(i)` returns `nil` after the last chunk.
    ///
    /// No request waits forever, as for every other statement (``guarded(_:)`` in Session.swift).
    ///
    /// - Parameters:
    ///   - table: a table of the `licensectl` schema (a constant; the statement is built with it).
    ///   - columns: the columns each row gives, in order.
    ///   - chunks: the rows, as text-format lines (``CopyRows``), chunk by chunk.
    ///   - tolerating: a SQLSTATE returned as ``CopyOutcome/refused`` instead of thrown.
    /// - Throws: ``StateStoreError`` with the server's message (no password), or a lost
    ///   connection.
    func copy(
        into table: String, columns: [String], tolerating: String? = nil,
        chunks: @escaping @Sendable (Int) -> ByteBuffer?
    ) async throws(StateStoreError) -> CopyOutcome {
        // postgres-nio quotes the table name as one identifier, so the schema is reached through
        // the search path, set for the rest of the transaction (every other statement names
        // the schema of its tables).
        try await execute("SELECT set_config('search_path', 'licensectl', true)")
        let result = await guarded { connection in
            try await connection.copyFrom(table: table, columns: columns, logger: Self.logger) { writer in
                var index = 0
                while let chunk = chunks(index) {
                    if await Self.closedAndReleased(connection) { throw LostConnection() }
                    do {
                        try await writer.write(chunk)
                    } catch {
                        _ = await Self.closedAndReleased(connection)
                        throw error
                    }
                    index += 1
                }
                if await Self.closedAndReleased(connection) { throw LostConnection() }
            }
            return []
        }
        switch result {
        case .success:
            return .stored
        case .failure(let error):
            if let tolerating, let error = error as? PSQLError, error.serverInfo?[.sqlState] == tolerating {
                return .refused
            }
            throw failure(error)
        }
    }

    /// Whether `connection`'s channel is closed (checked on its event loop); when it is, returns
    /// only after the channel has let go of its handlers.
    ///
    /// postgres-nio 1.33.2 stops the process (`preconditionFailure("Copy mode is only supported
    /// for extended queries")`) when a `CopyData`, `CopyDone` or `CopyFail` is sent while its
    /// state machine has left the query but its handler is still in the channel, e.g. after the
    /// server's `FATAL` on a shutdown (docs/state.md §5.1 "Lost connections"). Once the handlers
    /// are removed, the same calls fail with `connection closed` instead. So the copy checks
    /// before each write, before it ends, and before a failed write's `CopyFail`: that narrows
    /// the window to one event-loop hop; it cannot close it.
    static func closedAndReleased(_ connection: PostgresConnection) async -> Bool {
        let closed = (try? await connection.eventLoop.submit { connection.isClosed }.get()) ?? true
        guard closed else { return false }
        try? await connection.closeFuture.get()
        return true
    }
}

/// Rows in the text format of PostgreSQL's `COPY` (one line per row, columns separated by a tab),
/// built into a `ByteBuffer`: a backslash, tab, newline or carriage return inside a value is
/// escaped (`\\`, `\t`, `\n`, `\r`), every other byte is copied as it is.
struct CopyRows {
    private(set) var buffer: ByteBuffer

    /// Empty rows with room for about `capacity` bytes.
    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Appends one value followed by the column separator (a tab).
    mutating func field(_ value: String) {
        append(value)
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    /// Appends the row's last value and ends the row (a newline).
    mutating func lastField(_ value: String) {
        append(value)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private mutating func append(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            var plain = true
            for byte in bytes where byte <= UInt8(ascii: "\\") && Self.needsEscape(byte) {
                plain = false
                break
            }
            guard !plain else {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
#endif
