/// How a scalar was written: plain (`yes`, `012`) or quoted/block (`"yes"`, `'012'`, `|`).
///
/// Only plain scalars can mean null or a boolean; every scalar is typed later by the manifest
/// schema, never by YAML 1.1 rules (SPEC §3.1).
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain
    case quoted
}

/// One node of a YAML document as read by ``YAMLReader``: a scalar with its text, a mapping with
/// its key/value pairs in file order, or a sequence. Every node carries its 1-based line and
/// column (column counted in Unicode scalars). Aliases are resolved: an alias node is the
/// anchored node itself (shared storage, not a deep copy).
public struct YAMLNode: Sendable {
    /// The node's content.
    public enum Content: Sendable {
        case scalar(String, YAMLScalarStyle)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    public var content: Content
    /// 1-based line of the node's first character.
    public var line: Int
    /// 1-based column (Unicode scalars) of the node's first character.
    public var column: Int

    public init(_ content: Content, line: Int, column: Int) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// The scalar's text, or `nil` for a mapping or a sequence.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// A plain `~`, `null` (any case) or empty scalar: YAML's null, which the schema reads as
    /// "absent" for optional keys.
    public var isNull: Bool {
        guard case .scalar(let text, .plain) = content else { return false }
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
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
