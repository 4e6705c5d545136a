import Foundation
import Testing

@testable import LicenseKit

/// The batch forms that an apply and the PostgreSQL backend use (docs/state.md §5): on all cores,
/// in order, and the same bytes and documents as one at a time.
@Suite struct StateDocumentBatchTests {
    /// Documents that differ in name and serial.
    static func documents(_ count: Int) -> [TenantState] {
        (0..<count).map { n in Sample.document(tenant: "tenant-\(n)", serial: n + 1) }
    }

    @Test func canonicalJSONOfManyIsEachDocumentsTextInOrder() {
        let documents = Self.documents(257)
        let texts = TenantState.canonicalJSON(of: documents)
        #expect(texts == documents.map { $0.canonicalJSON() })
        #expect(Set(texts).count == documents.count)
        #expect(TenantState.canonicalJSON(of: []).isEmpty)
    }

    @Test func decodingStoredDocumentsGivesEachDocumentOrItsProblemInOrder() throws {
        let documents = Self.documents(100)
        var stored = TenantState.canonicalJSON(of: documents).map { Array($0.utf8) }
        stored[42] = Array("{\"formatVersion\": 1}".utf8)
        let decoded = TenantState.decode(storedDocuments: stored)
        #expect(decoded.count == documents.count)
        for (n, outcome) in decoded.enumerated() {
            switch outcome {
            case .success(let document):
                #expect(n != 42)
                #expect(document == documents[n])
            case .failure(let problem):
                #expect(n == 42)
                #expect(problem.message.contains("missing"), "\(problem.message)")
            }
        }
    }
}
