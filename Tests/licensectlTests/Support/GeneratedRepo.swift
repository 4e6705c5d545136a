import Foundation

/// A generated license repo of `tenants` tenants (`t-000` …), for the crash tests.
///
/// Each tenant has a Cloud Basic 25 activated immediately (P1Y), a Cloud Basic 1 with term P3M
/// activated immediately, every third tenant also a Cloud Basic 1 scheduled for 2026-03-01, and
/// 2–4 connected routers. Applied at ``GeneratedRepo/t1`` every license is redeemed and all but
/// the scheduled ones are active; applied at ``GeneratedRepo/t2`` every tenant changes (the P3M
/// licenses expire, the scheduled ones activate). Codes and serials are unique.
enum GeneratedRepo {
    static let t1 = "2026-01-01T00:00:00Z"
    static let t2 = "2026-06-01T00:00:00Z"

    static func make(tenants: Int, label: String) throws -> TempRepo {
        let repo = try TempRepo(label: label)
        var serial = 0
        for i in 0..<tenants {
            let name = String(format: "t-%03d", i)
            func code(_ j: Int) -> String {
                let hex = String(format: "%012X", 0x1000_0000_0000 + i * 4 + j)
                return "\(hex.prefix(4))-\(hex.dropFirst(4).prefix(4))-\(hex.suffix(4))"
            }
            var text = """
                apiVersion: licensectl/v1
                kind: Tenant
                metadata:
                  name: \(name)
                spec:
                  contacts: [ops@\(name).example]
                  licenses:
                    - code: \(code(0))
                      type: Cloud Basic 25
                      issued: 2025-06-01
                      activate: immediately
                    - code: \(code(1))
                      type: Cloud Basic 1
                      issued: 2025-06-01
                      term: P3M
                      activate: immediately

                """
            if i % 3 == 0 {
                text += """
                        - code: \(code(2))
                          type: Cloud Basic 1
                          issued: 2025-06-01
                          activate: 2026-03-01

                    """
            }
            text += "  routers:\n"
            for r in 0..<(2 + i % 3) {
                serial += 1
                text += "    - serial: \(String(format: "00A0BB%06X", serial))\n"
                text += "      connectedAt: 2025-\(String(format: "%02d", 1 + r))-15T08:00:00Z\n"
            }
            try repo.write("tenants/\(name).yaml", text)
        }
        return repo
    }
}
