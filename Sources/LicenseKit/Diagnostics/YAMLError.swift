/// What ``YAMLReader`` refuses in a YAML file (docs/formats.md §3.1), reported at the offending
/// place. Each case renders its message.
enum YAMLError: Error, Sendable, Equatable {
    /// A tab in a line's leading indentation.
    case tabIndentation
    /// A byte that does not continue valid UTF-8 (the first one of the file).
    case invalidUTF8(byte: String)
    /// A UTF-16 file (by its byte-order mark, or a NUL byte beside the first character).
    case utf16(bigEndian: Bool)
    /// A control character (`U+0000` …) that YAML text cannot hold; a NUL byte means the file
    /// is binary or UTF-16.
    case controlCharacter(codePoint: String)
    /// libyaml could not start.
    case parserUnavailable
    /// libyaml's syntax error: its problem and, when it gives one, its context and the
    /// context's 1-based place.
    case syntax(problem: String?, context: (text: String, line: Int, column: Int)?)
    /// Nesting deeper than ``YAMLReader/maxDepth``, directly or through an alias.
    case tooDeep(throughAlias: String?)
    /// An alias whose anchor is not defined before it.
    case unknownAlias(String)
    /// More alias expansions than ``YAMLReader/maxAliasExpansions``.
    case tooManyAliasExpansions
    /// Aliases that bring more than ``YAMLReader/maxExpandedBytes`` of text.
    case aliasesTooLarge(alias: String, bytes: Int)
    /// A tag other than the core tag of the node's own kind.
    case unsupportedTag(String)
    /// A merge key (`<<`).
    case mergeKey
    /// A key already given in the same mapping, at `line`, `column`.
    case duplicateKey(String, line: Int, column: Int)

    /// The diagnostic's message: what was found and how to fix it.
    var message: String {
        switch self {
        case .tabIndentation:
            "tab character used for indentation; indent with spaces"
        case .invalidUTF8(let byte):
            "invalid UTF-8 (byte 0x\(byte)); save the file as UTF-8"
        case .utf16(let bigEndian):
            "the file is UTF-16 (\(bigEndian ? "big" : "little")-endian), not UTF-8: save it as UTF-8, or convert it with iconv -f UTF-16 -t UTF-8"
        case .controlCharacter(let codePoint) where codePoint == "U+0000":
            "found U+0000 (a NUL byte), which YAML text cannot hold; the file is binary or was saved in UTF-16: save it as UTF-8, or convert it with iconv -f UTF-16 -t UTF-8"
        case .controlCharacter(let codePoint):
            "found \(codePoint) (a control character), which YAML text cannot hold; remove it (an editor that shows invisible characters finds it)"
        case .parserUnavailable:
            "cannot initialize the YAML parser"
        case .syntax(let problem, let context):
            "invalid YAML: " + (problem ?? "syntax error")
                + (context.map { " (\($0.text) at line \($0.line), column \($0.column))" } ?? "")
        case .tooDeep(let alias):
            "nesting deeper than \(YAMLReader.maxDepth) levels" + (alias.map { " (through alias '*\($0)')" } ?? "")
        case .unknownAlias(let name):
            "unknown alias '*\(name)'; define the anchor '&\(name)' before using it"
        case .tooManyAliasExpansions:
            "more than \(YAMLReader.maxAliasExpansions) alias expansions in this file; write the values out instead of nesting aliases"
        case .aliasesTooLarge(let alias, let bytes):
            "aliases expand to more than \(YAMLReader.maxExpandedBytes / 1024) KiB of text in this file (alias '*\(alias)' brings \(bytes) bytes); write the values out or alias smaller values"
        case .unsupportedTag(let shown):
            "tag '\(shown)' is not supported; licensectl types every value by its schema, remove the tag"
        case .mergeKey:
            "merge keys ('<<') are not supported; write the keys out or use an alias for the whole value"
        case .duplicateKey(let key, let line, let column):
            "duplicate key '\(key)'; first given at line \(line), column \(column)"
        }
    }

    static func == (a: YAMLError, b: YAMLError) -> Bool { a.message == b.message }
}
