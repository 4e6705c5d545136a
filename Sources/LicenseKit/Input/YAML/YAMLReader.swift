import CYAML

/// A strict YAML reader over libyaml's event parser (docs/formats.md §3.1).
///
/// Builds one ``YAMLNode`` tree per document. Scalars stay text (typed later by the manifest
/// schema). Reported as errors, each at its 1-based line and column: invalid UTF-8 (the first bad
/// byte), tabs used as indentation, libyaml syntax errors, duplicate keys, merge keys (`<<`),
/// tags other than the core `!!str`/`!!map`/`!!seq`, unknown aliases, more than
/// ``maxAliasExpansions`` alias expansions in a file, and nesting deeper than ``maxDepth``
/// (aliases included). A leading UTF-8 BOM is skipped. Never recursive over the input: a
/// 5,000-deep `[[[[…` stops at depth 65 with an error.
enum YAMLReader {
    /// The most alias expansions a file may use (aliases nested in aliased nodes counted as often
    /// as they are expanded), docs/formats.md §3.1.
    static let maxAliasExpansions = 10_000
    /// The deepest nesting of mappings and sequences, docs/formats.md §3.1.
    static let maxDepth = 64
    /// The most nodes that aliases may bring into a file in total (a second guard against
    /// aliases of huge subtrees).
    static let maxExpandedNodes = 1_000_000
    /// The most bytes of scalar text that aliases may bring into a file in total: a 100 KiB
    /// value aliased 9,999 times stays under the alias count but would expand to a gigabyte
    /// (and a 1 GB reminder e-mail). 1 MiB is far above any real manifest's reuse.
    static let maxExpandedBytes = 1 << 20

    /// Reads every document of a YAML file.
    ///
    /// - Parameters:
    ///   - bytes: the file's raw bytes.
    ///   - path: the file's path relative to the repo root, used in diagnostics.
    ///   - diagnostics: where the problems found go.
    /// - Returns: the root node of each complete, non-empty document, in file order. A document
    ///   with an error is still returned when the error does not affect its shape (a duplicate
    ///   key keeps the first value; a merge key is dropped); after a syntax, UTF-8, tab, depth or
    ///   alias error the rest of the file is not read.
    static func read(_ bytes: [UInt8], path: String, diagnostics: DiagnosticsEngine) -> [YAMLNode] {
        read(bytes, path: path, keys: .none, diagnostics: diagnostics)
    }

    /// ``read(_:path:diagnostics:)`` with the mapping keys the file is expected to repeat, which
    /// the nodes then share instead of each decoding its own copy.
    static func read(
        _ bytes: [UInt8], path: String, keys: KeyInterner, diagnostics: DiagnosticsEngine
    ) -> [YAMLNode] {
        let start = bomLength(bytes)
        if let problem = checkBytes(bytes, from: start, path: path) {
            diagnostics.emit(contentsOf: problem)
            return []
        }
        return bytes.withUnsafeBufferPointer { buffer -> [YAMLNode] in
            guard let base = buffer.baseAddress else { return [] }
            var builder = TreeBuilder(path: path, keys: keys, diagnostics: diagnostics)
            builder.run(base + start, count: buffer.count - start)
            return builder.documents
        }
    }

    /// 3 when the bytes start with a UTF-8 byte order mark (skipped), else 0.
    static func bomLength(_ bytes: [UInt8]) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// One pass over the raw bytes: invalid UTF-8 (first bad byte) and tabs in a line's leading
    /// indentation (every such line). Returns `nil` when the bytes are fine.
    static func checkBytes(_ bytes: [UInt8], from start: Int, path: String) -> [Diagnostic]? {
        if let bigEndian = CSVTable.utf16ByteOrder(bytes[start...]) {
            return [.error(YAMLError.utf16(bigEndian: bigEndian).message, at: SourceLocation(file: path, line: 1))]
        }
        var tabErrors: [Diagnostic] = []
        return bytes.withUnsafeBufferPointer { b -> [Diagnostic]? in
            let raw = UnsafeRawBufferPointer(b)
            var i = start
            var line = 1
            var column = 1
            var inIndent = true
            var tabColumn = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if !inIndent && c < 0x80 && c != 10 && c != 13 {
                    // Inside a line's content only line breaks and non-ASCII bytes matter: skip
                    // the run of other ASCII bytes at once.
                    var j = i + 1
                    // Eight bytes at a time while none is non-ASCII, a line feed or a carriage return.
                    while j + 8 <= n {
                        let word = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                        let lineFeeds = word ^ 0x0A0A_0A0A_0A0A_0A0A  // a zero byte where a LF was
                        let returns = word ^ 0x0D0D_0D0D_0D0D_0D0D  // a zero byte where a CR was
                        let zeroBytes =
                            ((lineFeeds &- 0x0101_0101_0101_0101) & ~lineFeeds)
                            | ((returns &- 0x0101_0101_0101_0101) & ~returns)
                        if (word | zeroBytes) & 0x8080_8080_8080_8080 != 0 { break }
                        j += 8
                    }
                    while j < n, b[j] < 0x80, b[j] != 10, b[j] != 13 { j += 1 }
                    column += j - i
                    i = j
                    continue
                }
                if c < 0x80 {
                    // A lone CR ends a line too (old Mac line ends; libyaml reads them so).
                    if c == 10 || (c == 13 && (i + 1 == n || b[i + 1] != 10)) {
                        line += 1
                        column = 1
                        inIndent = true
                        tabColumn = 0
                        i += 1
                        continue
                    }
                    if inIndent {
                        if c == 9 {
                            if tabColumn == 0 { tabColumn = column }
                        } else if c != 32 && c != 13 {
                            inIndent = false
                            if tabColumn != 0 && c != 35 {
                                tabErrors.append(
                                    .error(
                                        YAMLError.tabIndentation.message,
                                        at: SourceLocation(file: path, line: line, column: tabColumn)))
                            }
                        }
                    }
                    column += 1
                    i += 1
                    continue
                }
                inIndent = false
                let length = utf8SequenceLength(b, at: i)
                if length == 0 {
                    return [
                        .error(
                            YAMLError.invalidUTF8(byte: hexByte(c)).message,
                            at: SourceLocation(file: path, line: line, column: column))
                    ]
                }
                i += length
                column += 1
            }
            return tabErrors.isEmpty ? nil : tabErrors
        }
    }

    /// The 1-based line and column (in Unicode scalars) of byte `offset`; line breaks are LF, CRLF
    /// and a lone CR, as libyaml reads them.
    static func lineAndColumn(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = 0
        while i < min(offset, bytes.count) {
            let c = bytes[i]
            if c == 10 || (c == 13 && (i + 1 == bytes.count || bytes[i + 1] != 10)) {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 && c != 13 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    /// Whether a scalar's bytes are exactly `key` (no String made: keys repeat in every entry).
    static func spells(_ b: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> Bool {
        guard key.utf8CodeUnitCount == b.count else { return false }
        let k = key.utf8Start
        for i in 0..<b.count where k[i] != b[i] { return false }
        return true
    }

    /// The length of the valid UTF-8 sequence starting at `i` (a non-ASCII lead byte), or 0.
    static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = b[i]
        let n = b.count
        func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0...0xEF:
            guard cont(1), cont(2) else { return 0 }
            let c1 = b[i + 1]
            if c == 0xE0 && c1 < 0xA0 { return 0 }  // overlong
            if c == 0xED && c1 >= 0xA0 { return 0 }  // surrogate
            return 3
        case 0xF0...0xF4:
            guard cont(1), cont(2), cont(3) else { return 0 }
            let c1 = b[i + 1]
            if c == 0xF0 && c1 < 0x90 { return 0 }  // overlong
            if c == 0xF4 && c1 >= 0x90 { return 0 }  // > U+10FFFF
            return 4
        default:
            return 0
        }
    }

    static func hexByte(_ c: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return String([digits[Int(c >> 4)], digits[Int(c & 15)]])
    }
}

/// What an anchor refers to, with the cost of expanding it.
private struct Anchored {
    var node: YAMLNode
    /// Alias expansions inside the node (each expanded once per use).
    var aliasCount: Int
    /// Nodes in the expanded subtree.
    var nodeCount: Int
    /// Bytes of scalar text in the expanded subtree.
    var byteCount: Int
    /// Height of the expanded subtree (a scalar is 0, `[x]` is 1).
    var height: Int
}

/// An open mapping or sequence while events stream in.
private struct Frame {
    var isMapping: Bool
    var line: Int
    var column: Int
    var anchor: String?
    var items: [YAMLNode] = []
    var pairs: [YAMLPair] = []
    var pendingKey: YAMLNode?
    /// Index of scalar keys, built once a mapping grows past a few keys.
    var keyIndex: [String: Int]?
    var dropPendingPair = false
    var aliasCount = 0
    var nodeCount = 1
    var byteCount = 0
    var height = 1
}

/// Drives libyaml's event parser and builds the node trees with an explicit stack.
private struct TreeBuilder {
    let path: String
    /// Mapping keys handed out as stored strings.
    let keys: KeyInterner
    var documents: [YAMLNode] = []
    /// Where the problems go.
    let diagnostics: DiagnosticsEngine
    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var expansions = 0
    private var expandedNodes = 0
    private var expandedBytes = 0
    private var root: YAMLNode?

    init(path: String, keys: KeyInterner, diagnostics: DiagnosticsEngine) {
        self.path = path
        self.keys = keys
        self.diagnostics = diagnostics
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: path, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func fail(_ error: YAMLError, _ mark: yaml_mark_t) {
        diagnostics.error(error.message, at: location(mark))
    }

    mutating func run(_ base: UnsafePointer<UInt8>, count: Int) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.error(YAMLError.parserUnavailable.message, at: SourceLocation(file: path, line: 1))
            return
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, base, count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                reportSyntaxError(parser, input: UnsafeBufferPointer(start: base, count: count))
                return
            }
            let keepGoing = handle(&event)
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if !keepGoing || done { return }
        }
    }

    private mutating func reportSyntaxError(_ parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) {
        let error = YAMLError.syntax(
            problem: parser.problem.map { String(cString: $0) },
            context: parser.context.map { context in
                (String(cString: context), Int(parser.context_mark.line) + 1, Int(parser.context_mark.column) + 1)
            })
        guard parser.error == YAML_READER_ERROR else {
            fail(error, parser.problem_mark)
            return
        }
        // libyaml checks characters ahead of its tokens and gives a reader error only a byte
        // offset: its marks still stand where reading was.
        let offset = Int(parser.problem_offset)
        let place = YAMLReader.lineAndColumn(ofOffset: offset, in: input)
        // A control character is named by its code point, with what it says about the file.
        let shown: YAMLError =
            Self.controlCharacter(at: offset, in: input).map {
                .controlCharacter(codePoint: ActivationCodeError.codePoint($0))
            } ?? error
        diagnostics.error(shown.message, at: SourceLocation(file: path, line: place.line, column: place.column))
    }

    /// The control character (C0 but TAB, LF, CR; DEL; C1) whose UTF-8 starts at `offset`, or
    /// `nil`.
    static func controlCharacter(at offset: Int, in input: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard offset >= 0, offset < input.count else { return nil }
        let c = input[offset]
        if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F { return Unicode.Scalar(c) }
        if c == 0xC2, offset + 1 < input.count, (0x80...0x9F).contains(input[offset + 1]) {
            return Unicode.Scalar(input[offset + 1])
        }
        return nil
    }

    /// Returns false to stop reading the file.
    private mutating func handle(_ event: inout yaml_event_t) -> Bool {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            stack.removeAll(keepingCapacity: true)
            root = nil
            anchors.removeAll()
            return true
        case YAML_DOCUMENT_END_EVENT:
            if let root, !root.isNull { documents.append(root) }
            root = nil
            return true
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text: String
            if s.length == 0 || s.value == nil {
                text = ""
            } else {
                let bytes = UnsafeBufferPointer(start: s.value, count: s.length)
                let top = stack.count - 1
                let isKey = top >= 0 && stack[top].isMapping && stack[top].pendingKey == nil
                text = (isKey ? keys.text(bytes) : nil) ?? String(decoding: bytes, as: UTF8.self)
            }
            var style: YAMLScalarStyle = s.style == YAML_PLAIN_SCALAR_STYLE ? .plain : .quoted
            let mark = event.start_mark
            // `!!str` makes a plain scalar a string, as quotes do: `!!str ~` is "~", not null,
            // and `renew: !!str true` is not the boolean.
            if let tag = s.tag, checkTag(tag, allowed: "str", mark) { style = .quoted }
            let byteCount = text.utf8.count
            let node = YAMLNode(.scalar(consume text, style), line: Int(mark.line) + 1, column: Int(mark.column) + 1)
            if let anchor = s.anchor {
                anchors[String(cString: anchor)] = Anchored(
                    node: node, aliasCount: 0, nodeCount: 1, byteCount: byteCount, height: 0)
            }
            return attach(node, aliasCount: 0, nodeCount: 1, byteCount: byteCount, height: 0, mark: mark)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let mark = event.start_mark
            if stack.count >= YAMLReader.maxDepth {
                fail(.tooDeep(throughAlias: nil), mark)
                return false
            }
            let anchorPointer = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            let tagPointer = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            if let tagPointer { _ = checkTag(tagPointer, allowed: isMapping ? "map" : "seq", mark) }
            var frame = Frame(
                isMapping: isMapping, line: Int(mark.line) + 1, column: Int(mark.column) + 1,
                anchor: anchorPointer.map { String(cString: $0) })
            // Most mappings of a manifest (routers, licenses) have 2-6 keys: one allocation
            // instead of growing 1, 2, 4.
            if isMapping { frame.pairs.reserveCapacity(4) }
            stack.append(consume frame)
            return true
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard !stack.isEmpty else { return true }
            // The container's children are moved out of its frame in place, then the emptied
            // frame is dropped: popping the whole frame copied and released each of its fields.
            let top = stack.count - 1
            let content: YAMLNode.Content
            if stack[top].isMapping {
                var pairs: [YAMLPair] = []
                swap(&pairs, &stack[top].pairs)
                content = .mapping(pairs)
            } else {
                var items: [YAMLNode] = []
                swap(&items, &stack[top].items)
                content = .sequence(items)
            }
            let node = YAMLNode(content, line: stack[top].line, column: stack[top].column)
            let (aliasCount, nodeCount, byteCount, height) = (
                stack[top].aliasCount, stack[top].nodeCount, stack[top].byteCount, stack[top].height
            )
            if let anchor = stack[top].anchor {
                anchors[anchor] = Anchored(
                    node: node, aliasCount: aliasCount, nodeCount: nodeCount, byteCount: byteCount, height: height)
            }
            stack.removeLast()
            return attach(
                node, aliasCount: aliasCount, nodeCount: nodeCount, byteCount: byteCount, height: height,
                mark: event.start_mark)
        case YAML_ALIAS_EVENT:
            let mark = event.start_mark
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard let target = anchors[name] else {
                fail(.unknownAlias(name), mark)
                return false
            }
            expansions += 1 + target.aliasCount
            expandedNodes += target.nodeCount
            if expansions > YAMLReader.maxAliasExpansions || expandedNodes > YAMLReader.maxExpandedNodes {
                fail(.tooManyAliasExpansions, mark)
                return false
            }
            expandedBytes += target.byteCount
            if expandedBytes > YAMLReader.maxExpandedBytes {
                fail(.aliasesTooLarge(alias: name, bytes: target.byteCount), mark)
                return false
            }
            if stack.count + target.height > YAMLReader.maxDepth {
                fail(.tooDeep(throughAlias: name), mark)
                return false
            }
            var node = target.node
            node.line = Int(mark.line) + 1
            node.column = Int(mark.column) + 1
            return attach(
                node, aliasCount: 1 + target.aliasCount, nodeCount: target.nodeCount,
                byteCount: target.byteCount, height: target.height, mark: mark)
        default:
            return true
        }
    }

    /// Accepts no tag or the core tag of the node's own kind (`!!str`, `!!map`, `!!seq`).
    private mutating func checkTag(_ tag: UnsafePointer<UInt8>, allowed: String, _ mark: yaml_mark_t) -> Bool {
        let text = String(cString: tag)
        if text == "tag:yaml.org,2002:" + allowed { return true }
        let shown = text.hasPrefix("tag:yaml.org,2002:") ? "!!" + text.dropFirst(18) : text
        fail(.unsupportedTag(shown), mark)
        return false
    }

    /// The line and column of the key already in the mapping with this scalar text, if any;
    /// linear for small mappings (comparing in place, without copying pairs or texts out).
    private static func firstKeyPlace(of text: String, in frame: inout Frame) -> (line: Int, column: Int)? {
        if frame.keyIndex == nil && frame.pairs.count < 16 {
            for pair in frame.pairs {
                if case .scalar(let key, _) = pair.key.content, key == text { return (pair.key.line, pair.key.column) }
            }
            return nil
        }
        if frame.keyIndex == nil {
            var index: [String: Int] = [:]
            for (i, pair) in frame.pairs.enumerated() {
                if let k = pair.key.scalarText, index[k] == nil { index[k] = i }
            }
            frame.keyIndex = index
        }
        return frame.keyIndex?[text].map { (frame.pairs[$0].key.line, frame.pairs[$0].key.column) }
    }

    /// Adds a finished node to the open container, or makes it the document's root.
    private mutating func attach(
        _ node: consuming YAMLNode, aliasCount: Int, nodeCount: Int, byteCount: Int, height: Int,
        mark: yaml_mark_t
    ) -> Bool {
        guard !stack.isEmpty else {
            root = consume node
            return true
        }
        // One exclusive access to the open frame instead of one (and a uniqueness check) per field.
        // The node is moved, not copied, into its container.
        Self.add(
            consume node, aliasCount: aliasCount, nodeCount: nodeCount, byteCount: byteCount, height: height,
            to: &stack[stack.count - 1], path: path, diagnostics: diagnostics)
        return true
    }

    /// ``attach(_:aliasCount:nodeCount:byteCount:height:mark:)`` for an open frame.
    private static func add(
        _ node: consuming YAMLNode, aliasCount: Int, nodeCount: Int, byteCount: Int, height: Int,
        to frame: inout Frame, path: String, diagnostics: DiagnosticsEngine
    ) {
        frame.aliasCount += aliasCount
        frame.nodeCount += nodeCount
        frame.byteCount += byteCount
        if height + 1 > frame.height { frame.height = height + 1 }
        guard frame.isMapping else {
            frame.items.append(consume node)
            return
        }
        // take(): the key moves into its pair instead of being copied, then released.
        guard let key = frame.pendingKey.take() else {
            frame.dropPendingPair = false
            if case .scalar(let text, let style) = node.content {
                if style == .plain && text == "<<" {
                    diagnostics.error(
                        YAMLError.mergeKey.message, at: SourceLocation(file: path, line: node.line, column: node.column)
                    )
                    frame.dropPendingPair = true
                } else if let first = firstKeyPlace(of: text, in: &frame) {
                    diagnostics.error(
                        YAMLError.duplicateKey(text, line: first.line, column: first.column).message,
                        at: SourceLocation(file: path, line: node.line, column: node.column))
                    frame.dropPendingPair = true
                }
            }
            frame.pendingKey = consume node
            return
        }
        if !frame.dropPendingPair {
            if let text = key.scalarText, frame.keyIndex != nil {
                let position = frame.pairs.count
                frame.keyIndex?[text] = position
            }
            frame.pairs.append(YAMLPair(key: key, value: consume node))
        }
    }
}
