import Crypto

/// One reminder message, ready to be written into an outbox folder (docs/cli.md §6 `apply --outbox`).
public struct ReminderMail: Sendable, Hashable {
    /// `TENANT-YYYYMMDDTHHMMSSZ.eml`, the stamp being the apply's `at` in UTC.
    public var fileName: String
    /// The whole RFC 5322 message: headers, a blank line, a UTF-8 plain-text body; CRLF line
    /// endings, a trailing CRLF, no line longer than 78 characters where it can be folded.
    public var contents: String

    /// A message to be written as `fileName` with the RFC 5322 `contents`.
    public init(fileName: String, contents: String) {
        self.fileName = fileName
        self.contents = contents
    }
}

/// Writes the reminder mail of a tenant plan (docs/rules.md §4.3 reminders, §6 `apply --outbox`).
///
/// A pure renderer: the message is a function of the tenant plan, `at` and the sender only, so
/// the same apply gives byte-identical messages with the same `Message-ID`.
public enum ReminderMailer {
    /// The sender the CLI uses when `--mail-from` is not given.
    public static let defaultFrom = "licensectl <licensectl@localhost>"

    /// Whether the address in `mailbox` (`Name <user@host>` or `user@host`) is at `localhost`,
    /// as ``defaultFrom`` is: mail relays reject such a sender (README "Reminder e-mails").
    public static func isLocalhostSender(_ mailbox: String) -> Bool {
        guard let at = mailbox.lastIndex(of: "@") else { return false }
        let host = mailbox[mailbox.index(after: at)...].prefix { $0 != ">" && $0 != " " && $0 != "\t" }
        return host.lowercased() == "localhost"
    }

    /// Whether a delivery target — a `notify --sendmail` COMMAND or a webhook's host — names
    /// this machine (`localhost`, `127.x.x.x`, `::1`): a local test server, which takes any
    /// sender, so `notify` does not warn about a ``defaultFrom`` sender.
    public static func namesLoopback(_ target: String) -> Bool {
        let separators: Set<Character> = [" ", "\t", "=", ",", "'", "\"", "@", "/", "[", "]"]
        return target.split(whereSeparator: { separators.contains($0) }).contains { token in
            let t = token.lowercased()
            let host = t.hasPrefix("::1") ? "::1" : String(t.split(separator: ":").first ?? "")
            return host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    /// How many serials of routers that would go offline the body names before summarizing.
    static let maxListedSerials = 12

    /// One message per tenant with `notify` events in the plan.
    ///
    /// - Parameters:
    ///   - tenant: the tenant's plan; its `notify` events (docs/rules.md §4.3) are the reminders, its
    ///     ``TenantPlan/newState`` licenses give type and validity, ``TenantPlan/after`` the
    ///     routers online at `at`, ordered by `connectedAt` then serial (docs/rules.md §1 R8).
    ///   - at: the apply's instant (UTC); it sets `Date`, the file name and the `Message-ID`.
    ///   - from: the `From` mailbox, e.g. ``defaultFrom``.
    /// - Returns: `nil` when the plan has no `notify` event for the tenant or the tenant has no
    ///   contacts (the reconciler warns about the latter, docs/rules.md §4.5).
    public static func message(for tenant: TenantPlan, at: Instant, from: String) -> ReminderMail? {
        // A contact listed twice (in any letter case: mail systems treat addresses so) is
        // addressed once, in its first spelling.
        var seen = Set<String>()
        let contacts = tenant.contacts.map { $0.trimmingASCIIWhitespace() }.filter {
            !$0.isEmpty && seen.insert($0.lowercased()).inserted
        }
        guard !contacts.isEmpty else { return nil }
        let items = reminders(in: tenant)
        guard !items.isEmpty else { return nil }

        let stamp = RFC5322.compactStamp(at)
        var headers: [String] = []
        headers.append(RFC5322.header("From", RFC5322.mailbox(from)))
        headers.append(RFC5322.header("To", contacts.map(RFC5322.mailbox).joined(separator: ", ")))
        headers.append(RFC5322.header("Date", RFC5322.date(at)))
        headers.append(RFC5322.header("Subject", subject(tenant: tenant.tenant, items: items)))
        headers.append(RFC5322.header("Message-ID", messageID(tenant: tenant.tenant, at: at, items: items)))
        headers.append("MIME-Version: 1.0")
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: 8bit")
        headers.append("Auto-Submitted: auto-generated")

        let body = self.body(tenant: tenant, at: at, items: items)
        let contents = headers.joined(separator: "\r\n") + "\r\n\r\n" + body.joined(separator: "\r\n") + "\r\n"
        return ReminderMail(fileName: "\(tenant.tenant)-\(stamp).eml", contents: contents)
    }

    /// One notified license: the event and, when state has it, the license's record.
    struct Item {
        var code: ActivationCode
        var slot: Instant?
        var expiresAt: Instant
        var record: LicenseRecord?
    }

    /// The `notify` events of the tenant, by expiry then code, joined with their records.
    static func reminders(in tenant: TenantPlan) -> [Item] {
        var items: [Item] = []
        var seen: Set<ActivationCode> = []
        for event in tenant.events where event.action == .notify {
            guard let code = event.code, !seen.contains(code) else { continue }
            let record = tenant.newState?.licenses.first { $0.code == code }
            guard let expiresAt = event.expiresAt ?? record?.expiresAt else { continue }
            seen.insert(code)
            items.append(Item(code: code, slot: event.slot, expiresAt: expiresAt, record: record))
        }
        return items.sorted { ($0.expiresAt, $0.code) < ($1.expiresAt, $1.code) }
    }

    static func plural(_ n: Int, _ word: String) -> String {
        n == 1 ? "1 \(word)" : "\(n) \(word)s"
    }

    static func subject(tenant: String, items: [Item]) -> String {
        let first = items.map(\.expiresAt).min()?.dateString ?? ""
        let last = items.map(\.expiresAt).max()?.dateString ?? ""
        let what = items.count == 1 ? "1 license expires" : "\(items.count) licenses expire"
        let when = first == last ? "on \(first)" : "between \(first) and \(last)"
        return "[licensectl] \(tenant): \(what) \(when)"
    }

    /// `<licensectl.TENANT.YYYYMMDDTHHMMSSZ.HASH@licensectl>`; HASH is the first 12 hex digits of
    /// SHA-256 over the tenant, `at` and the notified codes with their slots. The tenant part is
    /// shortened when needed to keep the header line within 78 characters.
    static func messageID(tenant: String, at: Instant, items: [Item]) -> String {
        var material = "licensectl reminder\n\(tenant)\n\(at)\n"
        for item in items.sorted(by: { $0.code < $1.code }) {
            material += "\(item.code.canonical) \(item.slot?.description ?? "-") \(item.expiresAt)\n"
        }
        let digest = SHA256.hash(data: Array(material.utf8))
        let hex = digest.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let hash = String(hex.prefix(12))
        let fixed = "<licensectl..\(RFC5322.compactStamp(at)).\(hash)@licensectl>"
        let room = RFC5322.maxLineLength - 1 - fixed.count  // folded: " <…>"
        let name = tenant.count > room ? String(tenant.prefix(max(1, room))) : tenant
        return "<licensectl.\(name).\(RFC5322.compactStamp(at)).\(hash)@licensectl>"
    }

    /// Capacity from licenses valid at `t` (docs/rules.md §1): paid capacity when some paid license is
    /// valid, else the valid unpaid license's (1000 for Cloud Free), else 0 (``Capacity/Tally``). Scheduled licenses count from their
    /// scheduled instant for one term.
    static func capacity(of licenses: [LicenseRecord], at t: Instant) -> Int {
        var tally = Capacity.Tally()
        for license in licenses where license.archivedAt == nil {
            let start: Instant
            let end: Instant
            switch license.status {
            case .active:
                guard let a = license.activatedAt, let e = license.expiresAt else { continue }
                start = a
                end = e
            case .scheduled:
                guard let s = license.scheduledAt else { continue }
                start = s
                end = license.expiresAt ?? s.adding(license.term)
            case .available, .expired, .invalid:
                continue
            }
            guard start <= t, t < end else { continue }
            tally.add(license)
        }
        return tally.capacity.capacity
    }

    /// `YYYY-MM-DD` at midnight UTC, else `YYYY-MM-DD HH:MM`.
    static func humanInstant(_ instant: Instant) -> String {
        instant.secondOfDay == 0
            ? instant.dateString
            : instant.dateString + " " + String(instant.description.dropFirst(11).prefix(5))
    }

    static func body(tenant: TenantPlan, at: Instant, items: [Item]) -> [String] {
        var lines: [String] = []
        func paragraph(_ text: String, indent: String = "") {
            lines += RFC5322.wrap(text, width: 72, indent: indent)
        }
        let dates = Set(items.map { $0.expiresAt.dateString })
        let count = items.count == 1 ? "1 license" : "\(items.count) licenses"
        let verb = items.count == 1 ? "expires" : "expire"
        let when =
            dates.count == 1
            ? "on \(items[0].expiresAt.dateString)" : "between \(dates.min() ?? "") and \(dates.max() ?? "")"

        lines.append("Hello,")
        lines.append("")
        paragraph(
            "this is a reminder from licensectl for the tenant \(tenant.tenant): \(count) of icom Router Management Cloud \(verb) \(when)."
        )
        lines.append("")

        // The licenses.
        lines.append("Licenses")
        lines.append("")
        lines.append("  Code            Type            Expires (UTC)     Days left")
        for item in items {
            let type = item.record?.type.rawValue ?? "unknown"
            let days = max(0, Int((item.expiresAt.secondsSinceEpoch - at.secondsSinceEpoch).floorDiv(86_400)))
            let expiry = humanInstant(item.expiresAt)
            lines.append("  " + item.code.masked.padded(16) + type.padded(16) + expiry.padded(18) + String(days))
        }
        lines.append("")

        // The effect on routers, one step per expiry instant.
        lines.append("What happens to your routers")
        lines.append("")
        let online = tenant.after.online
        let licenses = tenant.newState?.licenses ?? []
        let capacityNow = tenant.after.capacity
        let rejectedNow = tenant.after.offline.filter { $0.reason != .notConnected }.count
        paragraph(
            "Now: capacity \(plural(capacityNow, "router")); \(online.count) online"
                + (rejectedNow > 0 ? ", \(rejectedNow) already rejected." : "."), indent: "  ")
        let instants = Array(Set(items.map(\.expiresAt))).sorted()
        if licenses.isEmpty {
            paragraph(
                "The license details are not available; check `licensectl status \(tenant.tenant)`.", indent: "  ")
        }
        for expiry in instants where !licenses.isEmpty {
            let after = capacity(of: licenses, at: expiry)
            let kept = min(after, online.count)
            let lost = Array(online.suffix(online.count - kept))
            var text = "From \(humanInstant(expiry)): capacity \(capacityNow) -> \(after)"
            if after == 0 {
                text +=
                    "; with no valid license device management is disabled (users can still log in) and every router is rejected"
            }
            if lost.isEmpty {
                text += "; all \(online.count) online routers stay online."
            } else {
                text +=
                    lost.count == online.count
                    ? "; \(lost.count == 1 ? "the online router" : "all \(lost.count) online routers") would go offline"
                    : "; \(lost.count) of the \(online.count) online routers would go offline"
                        + " (the most recently connected lose first):"
            }
            lines.append("")
            lines += RFC5322.wrap(text, width: 72, indent: "  ", hangingIndent: "    ")
            if !lost.isEmpty {
                var listed = lost.prefix(maxListedSerials).joined(separator: ", ")
                if lost.count > maxListedSerials { listed += " and \(lost.count - maxListedSerials) more" }
                lines += RFC5322.wrap(listed, width: 72, indent: "    ")
            }
        }
        lines.append("")

        // What is already on its way: scheduled licenses (counted above) and licenses in stock.
        let open = licenses.filter { $0.archivedAt == nil }
        let scheduled = open.filter { $0.status == .scheduled }
            .sorted { ($0.scheduledAt ?? at, $0.code) < ($1.scheduledAt ?? at, $1.code) }
        let stock = open.filter { $0.status == .available && $0.stockExpiresAt > at }
            .sorted { ($0.stockExpiresAt, $0.code) < ($1.stockExpiresAt, $1.code) }
        if !scheduled.isEmpty {
            lines.append(scheduled.count == 1 ? "A replacement is already scheduled" : "Replacements already scheduled")
            lines.append("")
            for license in scheduled {
                lines.append(
                    "  " + license.code.masked.padded(16) + license.type.rawValue.padded(16)
                        + "activates " + humanInstant(license.scheduledAt ?? at))
            }
            paragraph("These activate on their own; the capacity above already counts them.", indent: "  ")
            lines.append("")
        }
        if !stock.isEmpty {
            lines.append("Licenses in stock (not activated yet)")
            lines.append("")
            for license in stock {
                lines.append(
                    "  " + license.code.masked.padded(16) + license.type.rawValue.padded(16)
                        + "usable until " + humanInstant(license.stockExpiresAt))
            }
            lines.append("")
        }

        // What to do, said to the tenant's contacts (who read this), not to the repo's maintainers.
        lines.append("What to do")
        lines.append("")
        let latest = instants.last ?? items[0].expiresAt
        let stillCovered = !licenses.isEmpty && capacity(of: licenses, at: latest) >= online.count && !online.isEmpty
        let paid = items.filter { ($0.record?.type.isPaid) ?? true }
        let free = items.filter { $0.record.map { !$0.type.isPaid } ?? false }
        if stillCovered {
            // Say what keeps the routers online: the scheduled licenses, or (none scheduled) the
            // licenses that stay active after these expiries.
            paragraph(
                scheduled.isEmpty
                    ? "Nothing: your other active licenses cover all \(online.count) online routers after these expiries, so they stay online."
                    : "Nothing, if the scheduled licenses above are what you expect: all \(online.count) online routers stay online.",
                indent: "  ")
        } else {
            if !paid.isEmpty {
                let deadline = humanInstant(paid.map(\.expiresAt).min() ?? latest)
                paragraph(
                    stock.isEmpty
                        ? "To keep your routers online after \(deadline), order new licenses in time and ask your license administrator to schedule their activation for \(deadline) at the latest."
                        : "To keep your routers online after \(deadline), ask your license administrator to activate the licenses in stock above by \(deadline), or order new ones in time.",
                    indent: "  ")
            }
            if !free.isEmpty {
                if !paid.isEmpty { lines.append("") }
                paragraph(
                    "Cloud Free is free of charge and can be renewed for another year: ask your license administrator to renew it before it expires (it is renewed within the 30 days before expiry).",
                    indent: "  ")
            }
        }
        lines.append("")
        lines.append("-- ")
        lines += RFC5322.wrap(
            "You receive this message as a contact of the tenant \(tenant.tenant). Sent by licensectl at \(at.description); reminders start 30 days before expiry and repeat weekly.",
            width: 72)
        return lines
    }
}

extension String {
    /// The string padded with spaces on the right to `width` characters (never truncated), plus
    /// nothing when already wider.
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
