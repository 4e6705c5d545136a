/// `licensectl show TENANT` (docs/cli.md §6, docs/README.md §8 "Output"): one tenant's state document as recorded, with
/// no replay to the current time — its licenses (code, type, status, activation, expiry, source)
/// and its routers (status and reason at the last apply). Codes are masked unless `showCodes`
/// (docs/formats.md §3.4); the JSON form is the document itself, full codes included.
public enum StateDocumentRender {
    /// Text: a header line, the summary at the last apply, then aligned license and router tables.
    public static func text(_ document: TenantState, path: String, showCodes: Bool) -> String {
        var out = header(document, path: path) + "\n"
        out += summaryLine(document) + "\n"
        out += "\nlicenses (\(document.licenses.count)):\n"
        if document.licenses.isEmpty {
            out += "  none\n"
        } else {
            let rows =
                [["CODE", "TYPE", "STATUS", "ACTIVATION", "EXPIRY", "SOURCE"]]
                + document.licenses.map { licenseRow($0, showCodes: showCodes) }
            out += TextColumns.align(rows).map { "  " + $0 + "\n" }.joined()
        }
        out += "\nrouters (\(document.routers.count)):\n"
        if document.routers.isEmpty {
            out += "  none\n"
        } else {
            let rows = [["SERIAL", "STATUS", "REASON", "CONNECTED"]] + document.routers.map(routerRow)
            out += TextColumns.align(rows).map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    /// Markdown: a heading, the summary, and the two tables.
    public static func markdown(_ document: TenantState, path: String, showCodes: Bool) -> String {
        var out = "### Tenant `\(document.tenant)`\n\n"
        out +=
            MarkdownTable.escape(String(header(document, path: path).dropFirst("tenant \(document.tenant)  ".count)))
            + "  \n" + MarkdownTable.escape(summaryLine(document)) + "\n\n"
        var licenses = MarkdownTable(headers: ["code", "type", "status", "activation", "expiry", "source"])
        for license in document.licenses {
            let row = licenseRow(license, showCodes: showCodes)
            licenses.append([.code(row[0]), .text(row[1]), .text(row[2]), .text(row[3]), .text(row[4]), .code(row[5])])
        }
        out += "**Licenses (\(document.licenses.count))**\n\n"
        out += document.licenses.isEmpty ? "none\n" : licenses.render()
        var routers = MarkdownTable(headers: ["serial", "status", "reason", "connected"])
        for router in document.routers {
            let row = routerRow(router)
            routers.append([.code(row[0]), .text(row[1]), .text(row[2]), .text(row[3])])
        }
        out += "\n**Routers (\(document.routers.count))**\n\n"
        out += document.routers.isEmpty ? "none\n" : routers.render()
        return out
    }

    /// `tenant acme  (state/tenants/acme.json: serial 2, applied 2026-11-01T00:00:00Z, retired …)`.
    static func header(_ d: TenantState, path: String) -> String {
        var out = "tenant \(d.tenant)  (\(path): serial \(d.serial), applied \(d.appliedAt)"
        if let retiredAt = d.retiredAt { out += ", retired \(retiredAt)" }
        return out + ")"
    }

    /// `as recorded: mode full, capacity 8, 8 online, 2 offline`.
    static func summaryLine(_ d: TenantState) -> String {
        "as recorded: mode \(d.summary.mode.rawValue), capacity \(d.summary.capacity), "
            + "\(d.summary.online) online, \(d.summary.offline) offline"
    }

    /// Code, type, status (with `archived …`), activation (the instant it became active, or the
    /// recorded request), expiry (`expiresAt`, or the stock expiry of an unactivated code), source.
    static func licenseRow(_ l: LicenseRecord, showCodes: Bool) -> [String] {
        var status = l.status.rawValue
        if let archivedAt = l.archivedAt { status += " (archived \(archivedAt))" }
        let activation: String
        if let activatedAt = l.activatedAt {
            activation = activatedAt.description
        } else if let request = l.activation {
            activation = l.status == .scheduled ? "scheduled \(request)" : "requested \(request)"
        } else {
            activation = "-"
        }
        let expiry = l.expiresAt?.description ?? "stock \(l.stockExpiresAt)"
        return [
            l.code.display(showCodes: showCodes), l.type.description, status, activation, expiry,
            maskingCodes(in: l.source, showCodes: showCodes),
        ]
    }

    /// Serial, status, reason (empty when online), connection instant.
    static func routerRow(_ r: RouterRecord) -> [String] {
        [r.serial, r.status.rawValue, r.reason?.rawValue ?? "", r.connectedAt.map { "\($0)" } ?? "not connected"]
    }

    /// A source (`file:line`) as shown: its file names are chosen by people and could hold a code.
    private static func maskingCodes(in text: String, showCodes: Bool) -> String {
        showCodes ? text : maskingActivationCodes(in: text)
    }
}
