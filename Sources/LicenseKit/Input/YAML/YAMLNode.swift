/// How a scalar was written: plain (`yes`, `012`) or quoted/block (`"yes"`, `'012'`, `|`).
///
/// Only plain scalars can mean null or a boolean; every scalar is typed later by the manifest
/// schema, never by YAML 1.1 rules (docs/formats.md §3.1).
enum YAMLScalarStyle: Sendable, Hashable {
    /// Written without quotes.
    case plain
    /// Single- or double-quoted, or a literal/folded block scalar.
    case quoted
}

/// One node of a YAML document as read by ``YAMLReader``: a scalar with its text, a mapping with
/// its key/value pairs in file order, or a sequence. Every node carries its 1-based line and
/// column (column counted in Unicode scalars). Aliases are resolved: an alias node is the
/// anchored node itself (shared storage, not a deep copy).
struct YAMLNode: Sendable {
    /// The node's content.
    enum Content: Sendable {
        /// A scalar's text (UTF-8, escapes resolved) and how it was written.
        case scalar(String, YAMLScalarStyle)
        /// A mapping's pairs in file order (duplicate and merge keys already refused).
        case mapping([YAMLPair])
        /// A sequence's items in file order.
        case sequence([YAMLNode])
    }

    /// What the node holds.
    var content: Content
    /// 1-based line of the node's first character.
    var line: Int
    /// 1-based column (Unicode scalars) of the node's first character.
    var column: Int

    /// A node at a 1-based line and column.
    init(_ content: Content, line: Int, column: Int) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// The scalar's text, or `nil` for a mapping or a sequence.
    var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// A plain `~`, `null` (any case) or empty scalar: YAML's null, which the schema reads as
    /// "absent" for optional keys.
    var isNull: Bool {
        guard case .scalar(let text, .plain) = content else { return false }
        // Most scalars are longer than any null spelling: one length check instead of four compares.
        guard text.utf8.count <= 4 else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// `a mapping`, `a sequence`, `null` or `a scalar`, for messages.
    var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar: return isNull ? "null" : "a scalar"
        }
    }
}

/// A key/value pair of a YAML mapping, in file order.
struct YAMLPair: Sendable {
    /// The key node (a scalar in every valid manifest).
    var key: YAMLNode
    /// The value node.
    var value: YAMLNode
}
