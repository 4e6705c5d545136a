import TestSupport
import Testing

@testable import LicenseKit

/// `sortedForOutput()`: by file, line, column, severity, message; unplaced last; ties keep their
/// input order. It ranks files as integers; this checks it against the plain comparison.
@Suite struct DiagnosticOrderTests {
    private func reference(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { x, y in
            let (a, b) = (x.element, y.element)
            switch (a.location, b.location) {
            case (let la?, let lb?):
                if la != lb { return la < lb }
            case (nil, _?): return false
            case (_?, nil): return true
            case (nil, nil): break
            }
            if a.severity != b.severity { return a.severity < b.severity }
            if a.message != b.message { return a.message < b.message }
            return x.offset < y.offset
        }.map(\.element)
    }

    @Test func sameOrderAsComparingPlacesSeverityAndMessage() {
        var rng = SplitMix64(seed: 7)
        let files = ["tenants/a.yaml", "tenants/b.yaml", "fixtures/sales/a.csv", "tenants/emea/a.yaml", "Z.yaml"]
        let messages = ["b", "a", "code 1 is also declared", "a"]
        let diagnostics = (0..<3_000).map { _ -> Diagnostic in
            let severity: Diagnostic.Severity = rng.next() % 2 == 0 ? .error : .warning
            let message = messages[Int(rng.next() % UInt64(messages.count))]
            guard rng.next() % 10 != 0 else { return Diagnostic(severity, message) }
            let place = SourceLocation(
                file: files[Int(rng.next() % UInt64(files.count))],
                line: Int(rng.next() % 4) + 1, column: Int(rng.next() % 3) + 1)
            return Diagnostic(severity, message, at: place)
        }
        let sorted = diagnostics.sortedForOutput()
        #expect(sorted == reference(diagnostics))
        #expect(sorted.last?.location == nil)
        #expect(sorted.first?.location?.file == "Z.yaml")
    }

    @Test func descriptionIsCompilerStyle() {
        let placed = Diagnostic.warning("x\u{1B}y", at: SourceLocation(file: "tenants/a.yaml", line: 3, column: 7))
        #expect(placed.description == "tenants/a.yaml:3:7: warning: x\\u{1B}y")
        #expect(Diagnostic.error("no place").description == "licensectl: error: no place")
    }
}
