import Foundation
import Testing

@testable import LicenseKit

@Suite struct YAMLReaderTests {
    private func read(_ bytes: [UInt8]) -> (nodes: [YAMLNode], diagnostics: [String]) {
        let diagnostics = DiagnosticsEngine()
        let nodes = YAMLReader.read(bytes, path: "t.yaml", diagnostics: diagnostics)
        return (nodes, diagnostics.emitted.map(\.description))
    }

    private func read(_ text: String) -> (nodes: [YAMLNode], diagnostics: [String]) {
        read(Array(text.utf8))
    }

    @Test func scalarsStayTextWithPlaceAndStyle() throws {
        let (nodes, diagnostics) = read("serial: 012\nrenew: 'yes'\n")
        #expect(diagnostics.isEmpty)
        guard case .mapping(let pairs) = try #require(nodes.first).content else {
            Issue.record("expected a mapping")
            return
        }
        #expect(pairs.count == 2)
        guard case .scalar(let serial, .plain) = pairs[0].value.content else {
            Issue.record("expected a plain scalar")
            return
        }
        #expect(serial == "012")
        #expect((pairs[0].value.line, pairs[0].value.column) == (1, 9))
        guard case .scalar(let renew, .quoted) = pairs[1].value.content else {
            Issue.record("expected a quoted scalar")
            return
        }
        #expect(renew == "yes")
        #expect((pairs[1].key.line, pairs[1].key.column) == (2, 1))
    }

    @Test func duplicateKeyIsAnErrorAtTheSecondKey() {
        let (_, diagnostics) = read("a: 1\nb: 2\na: 3\n")
        #expect(diagnostics == ["t.yaml:3:1: error: duplicate key 'a'; first given at line 1, column 1"])
    }

    @Test func duplicateKeyInALargeMappingIsFound() {
        let text = (0..<40).map { "k\($0): v" }.joined(separator: "\n") + "\nk7: again\n"
        let (_, diagnostics) = read(text)
        #expect(diagnostics == ["t.yaml:41:1: error: duplicate key 'k7'; first given at line 8, column 1"])
    }

    @Test func mergeKeyIsAnError() {
        let (_, diagnostics) = read("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
        #expect(
            diagnostics == [
                "t.yaml:3:3: error: merge keys ('<<') are not supported; write the keys out or use an alias for the whole value"
            ])
    }

    @Test func tabUsedAsIndentationIsAnErrorOnEachLine() {
        let (nodes, diagnostics) = read("a:\n\tb: 1\n  c: 2\n \td: 3\n")
        #expect(nodes.isEmpty)
        #expect(
            diagnostics == [
                "t.yaml:2:1: error: tab character used for indentation; indent with spaces",
                "t.yaml:4:2: error: tab character used for indentation; indent with spaces",
            ])
    }

    @Test func tabsInsideALineAreFine() {
        let (_, diagnostics) = read("a: b\tc\nd: e # \tcomment\n")
        #expect(diagnostics.isEmpty)
    }

    @Test func invalidUTF8ReportsTheFirstBadByte() {
        let bytes = Array("a: b\nname: café\n".utf8.prefix(14)) + [0xE9, 0x0A]  // "name: caf" then Latin-1 é
        let (nodes, diagnostics) = read(bytes)
        #expect(nodes.isEmpty)
        #expect(diagnostics == ["t.yaml:2:10: error: invalid UTF-8 (byte 0xE9); save the file as UTF-8"])
    }

    @Test func invalidUTF8AfterMultibyteCharactersCountsColumnsInCharacters() {
        let bytes = Array("ä: ö".utf8) + [0xFF]
        #expect(read(bytes).diagnostics == ["t.yaml:1:5: error: invalid UTF-8 (byte 0xFF); save the file as UTF-8"])
    }

    @Test func leadingBOMIsAccepted() throws {
        let (nodes, diagnostics) = read([0xEF, 0xBB, 0xBF] + Array("name: acme\n".utf8))
        #expect(diagnostics.isEmpty)
        guard case .mapping(let pairs) = try #require(nodes.first).content else {
            Issue.record("expected a mapping")
            return
        }
        #expect(pairs.first?.key.scalarText == "name")
        #expect((pairs[0].key.line, pairs[0].key.column) == (1, 1))
        #expect((pairs[0].value.line, pairs[0].value.column) == (1, 7))
    }

    @Test func everyDocumentOfAMultiDocumentFileIsRead() {
        let (nodes, diagnostics) = read("a: 1\n---\nb: 2\n---\n# only a comment\n...\n")
        #expect(diagnostics.isEmpty)
        #expect(nodes.count == 2)
        #expect(nodes.map(\.line) == [1, 3])
    }

    @Test func fiveThousandDeepFlowSequenceIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"
        let (nodes, diagnostics) = read(text)
        #expect(nodes.isEmpty)
        #expect(diagnostics == ["t.yaml:1:65: error: nesting deeper than 64 levels"])
    }

    @Test func sixtyFourLevelsAreAllowed() {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "\n"
        #expect(read(text).diagnostics.isEmpty)
    }

    @Test func aliasesResolveToTheAnchoredNode() throws {
        let (nodes, diagnostics) = read("a: &x [1, 2]\nb: *x\n")
        #expect(diagnostics.isEmpty)
        guard case .mapping(let pairs) = try #require(nodes.first).content,
            case .sequence(let items) = pairs[1].value.content
        else {
            Issue.record("expected b to be a sequence")
            return
        }
        #expect(items.compactMap(\.scalarText) == ["1", "2"])
        #expect((pairs[1].value.line, pairs[1].value.column) == (2, 4))
    }

    @Test func aliasBombIsAnErrorWellUnderASecond() {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for i in 1..<names.count {
            let p = names[i - 1]
            lines.append(
                "\(names[i]): &\(names[i]) [*\(p), *\(p), *\(p), *\(p), *\(p), *\(p), *\(p), *\(p), *\(p), *\(p)]")
        }
        let clock = ContinuousClock()
        var result: (nodes: [YAMLNode], diagnostics: [String]) = ([], [])
        let elapsed = clock.measure { result = read(lines.joined(separator: "\n") + "\n") }
        #expect(result.nodes.isEmpty)
        #expect(
            result.diagnostics == [
                "t.yaml:5:36: error: more than 10000 alias expansions in this file; write the values out instead of nesting aliases"
            ])
        #expect(elapsed < .milliseconds(500))
    }

    @Test func unknownAliasIsAnError() {
        #expect(
            read("a: *nope\n").diagnostics == [
                "t.yaml:1:4: error: unknown alias '*nope'; define the anchor '&nope' before using it"
            ])
    }

    @Test func libyamlSyntaxErrorsCarryItsPlace() {
        #expect(
            read("a: b\nc: [1, 2\nd: 3\n").diagnostics == [
                "t.yaml:3:2: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 4)"
            ])
    }

    @Test func aControlCharacterIsReportedWhereItStands() {
        #expect(
            read(Array("a: 1\nb: 2\n# note \u{01} here\n".utf8)).diagnostics == [
                "t.yaml:3:8: error: found U+0001 (a control character), which YAML text cannot hold; remove it (an editor that shows invisible characters finds it)"
            ])
    }

    @Test func carriageReturnLineEndsCountAsLines() {
        #expect(
            read(Array("a: 1\rb: 2\rc: x".utf8) + [0xFF, 0x0D]).diagnostics == [
                "t.yaml:3:5: error: invalid UTF-8 (byte 0xFF); save the file as UTF-8"
            ])
        #expect(
            read("a: 1\r\n\tb: 2\r\n").diagnostics == [
                "t.yaml:2:1: error: tab character used for indentation; indent with spaces"
            ])
    }

    @Test func strTagMakesAPlainScalarAStringAsQuotesDo() throws {
        let result = read("a: !!str ~\nb: !!str true\nc: ~\n")
        #expect(result.diagnostics == [])
        guard case .mapping(let pairs) = try #require(result.nodes.first).content else {
            Issue.record("expected a mapping")
            return
        }
        #expect(pairs.map { $0.value.isNull } == [false, false, true])
        #expect(pairs.map { $0.value.scalarText } == ["~", "true", "~"])
    }

    @Test func nonCoreTagsAreErrors() {
        #expect(
            read("a: !!int 12\nb: !!str 012\n").diagnostics == [
                "t.yaml:1:4: error: tag '!!int' is not supported; licensectl types every value by its schema, remove the tag"
            ])
    }
}
