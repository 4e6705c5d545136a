import TestSupport
import Testing

@testable import LicenseKit

/// ``RouterSerial/sortedIndices(_:serial:)``: the order of upper-cased bytes (docs/README.md §8 "Inputs"),
/// equal serials (in any spelling) by index.
@Suite struct RouterSerialOrderTests {
    @Test func sameOrderAsStringComparisonWithTiesByIndex() {
        let serials = [
            "00A0BA123456", "012", "12", "0123456789ABCDEFG", "0123456789ABCDEF", "0123456789ABCDEFF",
            "0123456789ABCDEF-long-tail-2", "0123456789ABCDEF-long-tail-1", "a", "A", "Z.9", "Z:9", "012",
            "z", "0123456789ABCDEF", "-", "_", ".",
        ]
        let order = RouterSerial.sortedIndices(serials.count) { serials[$0] }
        let expected = serials.indices.sorted { a, b in
            serials[a].uppercased() != serials[b].uppercased()
                ? serials[a].uppercased() < serials[b].uppercased() : a < b
        }
        #expect(order == expected)
        #expect(order.map { serials[$0] }.first == "-")
        // The two "012" entries keep their order (index 1 before 12).
        #expect(order.filter { serials[$0] == "012" } == [1, 12])
    }

    @Test func seededSerialsSortAsStrings() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("0123456789ABCDEFabcdef._:-")
        let serials = (0..<2_000).map { _ -> String in
            // Short and long serials, many sharing their first 16 characters.
            let prefix = rng.next() % 3 == 0 ? "SHAREDPREFIX0000" : ""
            let length = Int(rng.next() % 24) + 1
            return prefix + String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        }
        let order = RouterSerial.sortedIndices(serials.count) { serials[$0] }
        let upper = serials.map { $0.uppercased() }
        #expect(order == serials.indices.sorted { upper[$0] != upper[$1] ? upper[$0] < upper[$1] : $0 < $1 })
    }

    /// docs/README.md §8 "Inputs": identity and order are those of the upper-cased serial.
    @Test func identityAndOrderAreThoseOfTheUpperCasedSerial() {
        #expect(RouterSerial.identity("00a0Ba12:x") == "00A0BA12:X")
        #expect(RouterSerial.same("00a0ba123456", "00A0BA123456"))
        #expect(!RouterSerial.same("00a0ba123456", "00A0BA12345"))
        #expect(RouterSerial.precedes("a", "B") && !RouterSerial.precedes("B", "a"))
        #expect(!RouterSerial.precedes("ab", "AB") && !RouterSerial.precedes("AB", "ab"))
        #expect(RouterSerial.precedes("A", "ab"))
        // "_" (0x5F) lies between upper- and lower-case letters, so upper-casing changes orders.
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("0Aa9Zz._:-_")
        for _ in 0..<2_000 {
            let x = String((0..<Int(rng.next() % 5)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            let y = String((0..<Int(rng.next() % 5)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            #expect(RouterSerial.precedes(x, y) == (x.uppercased() < y.uppercased()), "\(x) \(y)")
        }
    }
}
