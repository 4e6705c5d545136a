import Testing

@testable import LicenseKit

/// Callers branch on an error's kind, never on its text: the date parser marks the text that has
/// none of its forms, and the callers that word their own expectation replace only that one.
@Suite struct ValueParseErrorTests {
    @Test(arguments: [
        ("01/02/2026", ValueParseError.Kind.unrecognizedForm),
        ("2026-02-3", .unrecognizedForm),
        ("2026-02-30", .invalid),
        ("2026-02-01T10:00:00", .invalid),
        ("2026-06-30T23:59:60Z", .invalid),
    ])
    func instantParseSaysWhichKind(text: String, kind: ValueParseError.Kind) {
        #expect(throws: ValueParseError.self) { try Instant.parse(text) }
        do throws(ValueParseError) {
            _ = try Instant.parse(text)
        } catch {
            #expect(error.kind == kind)
        }
    }

    @Test func activationRequestKeepsASpecificReasonAndDropsTheGeneralOne() {
        do throws(ValueParseError) {
            _ = try ActivationRequest(parsing: "soon")
            Issue.record("'soon' parsed")
        } catch {
            #expect(
                error.message == "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found 'soon'"
            )
        }
        do throws(ValueParseError) {
            _ = try ActivationRequest(parsing: "2026-02-30")
            Issue.record("'2026-02-30' parsed")
        } catch {
            #expect(
                error.message
                    == "expected 'immediately', a date YYYY-MM-DD or a date-time with an offset, found '2026-02-30' ('2026-02-30' is not a date that exists)"
            )
        }
    }

    @Test func csvInstantNamesItsThreeFormsOnlyForAnUnrecognizedForm() {
        do throws(ValueParseError) {
            _ = try Instant.parseCSVInstant("01/02/2026")
            Issue.record("'01/02/2026' parsed")
        } catch {
            #expect(error.message.hasPrefix("expected a date YYYY-MM-DD or DD.MM.YYYY or a date-time"))
        }
        do throws(ValueParseError) {
            _ = try Instant.parseCSVInstant("2026-02-30")
            Issue.record("'2026-02-30' parsed")
        } catch {
            #expect(error.message == "'2026-02-30' is not a date that exists")
        }
    }

    @Test func equalityIsTheMessage() {
        #expect(ValueParseError(message: "x", kind: .unrecognizedForm) == ValueParseError(message: "x"))
    }
}
