import Foundation

/// `YYYY-MM-DDTHH:MM:SSZ` of a date, floored to the second (docs/rules.md §2 output form).
func utcStamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
}

/// `YYYY-MM-DD` of a date in UTC.
func utcDay(_ date: Date) -> String { String(utcStamp(date).prefix(10)) }

/// A one-tenant repo whose every time-driven instant is far from the real clock, so that a plan
/// made "now" is not stale a few seconds later (docs/cli.md §6: apply PLANFILE compares with the real
/// moment of apply). `fresh-one` holds one Cloud Basic 25, issued 30 days ago and activated
/// immediately; `extraLicense` adds a second one (a manifest change).
/// `activate` replaces `immediately` for the first license (e.g. an instant shortly before now).
func freshRepo(label: String, extraLicense: Bool = false, activate: String = "immediately") throws -> TempRepo {
    let repo = try TempRepo(label: label)
    try writeFreshManifest(repo, extraLicense: extraLicense, activate: activate)
    return repo
}

func writeFreshManifest(_ repo: TempRepo, extraLicense: Bool, activate: String = "immediately") throws {
    let issued = utcDay(Date().addingTimeInterval(-30 * 86_400))
    var text = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: fresh-one
        spec:
          contacts: [ops@fresh.example]
          licenses:
            - code: 1111-2222-3333
              type: Cloud Basic 25
              issued: \(issued)
              activate: \(activate)

        """
    if extraLicense {
        text += """
                - code: 4444-5555-6666
                  type: Cloud Basic 1
                  issued: \(issued)
                  activate: immediately

            """
    }
    text += """
          routers:
            - serial: 00A0BA000001
              connectedAt: 2020-01-01T00:00:00Z

        """
    try repo.write("tenants/fresh-one.yaml", text)
}
