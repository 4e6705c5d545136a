/// The plan as a pull-request comment (`plan --format markdown`, issue 5), GitHub-flavoured
/// Markdown.
///
/// A plan with errors (from any source: input files or state checks) is only the title, the
/// summary table and its diagnostics (README "Plan with errors"): no tenant sections.
///
/// Shape, change first (docs/cli.md §6, docs/README.md §8 "Output"): a title; a summary table (tenants, changed,
/// events by action, errors, warnings); one collapsible `<details>` per changed tenant with its
/// events table (router admission events grouped into one row per kind, at most 10 serials
/// listed) and capacity, mode, online and offline before → after; a line for the unchanged
/// tenants; then the errors and warnings with `file:line` — standing warnings of unchanged
/// tenants as one line per kind (``HumanDiagnostics``), followed by all of them in a collapsed
/// section. Codes are masked unless `showCodes` (docs/formats.md §3.4), in diagnostic messages too. `|` and `<` in cells are escaped.
///
/// The text always stays below `limit` characters (GitHub refuses comments over 65,536): the
/// diagnostics list is cut first (to at most a third of the limit, `… and N more`); when the
/// whole plan still does not fit, tenant sections are dropped from the end and a closing line says how many tenants and events were left
/// out and points to `plan --format json` / `plan --out` for the full plan. Length is measured in
/// UTF-8 bytes, which is never less than the character count.
public enum PlanMarkdown {
    /// The comment text, lines ended by `\n`.
    public static func render(_ plan: Plan, showCodes: Bool, limit: Int = 60_000) -> String {
        let head = title(plan) + "\n" + summaryTable(plan)
        let human = HumanDiagnostics(plan)
        // A plan with errors shows only its diagnostics, whatever their source (an input file or
        // a state check such as codes held by another owner): nothing of it can be applied, so
        // its tenant sections would only push the errors out of the comment.
        if plan.hasErrors {
            let diagnostics = diagnosticsList(human.diagnostics, showCodes: showCodes, budget: limit - head.utf8.count)
            return truncated(head + diagnostics, limit: limit)
        }
        let changed = plan.tenants.filter(\.changed)
        let unchanged = plan.tenants.count - changed.count
        let tail = unchanged > 0 ? "\n_\(counted(unchanged, "tenant")) unchanged._\n" : ""

        // The errors and warnings that stand alone may take at most a third of what the head
        // leaves; tenant sections come first in the text and take what is left.
        let diagnostics = diagnosticsList(
            human.diagnostics, showCodes: showCodes,
            budget: max(0, (limit - head.utf8.count) / 3))
        let fixed = head.utf8.count + diagnostics.utf8.count + tail.utf8.count

        let body = reviewSections(
            reviewOrder(changed, at: plan.at), at: plan.at, fixed: fixed, limit: limit, showCodes: showCodes)
        var text = head + body.text + tail + diagnostics
        // All standing warnings of unchanged tenants, collapsed, in whatever room is left.
        if body.complete, !human.consolidated.isEmpty {
            text += standingList(human.consolidated, showCodes: showCodes, budget: limit - text.utf8.count)
        }
        return body.complete ? text : truncated(text, limit: limit)
    }

    /// How many days after the plan instant a license expiry counts as near: such a tenant
    /// comes first in review order and its date is bold in the compact table.
    static let nearExpiryDays = 30

    /// How urgently a reviewer must see a changed tenant, most urgent first: 0 a license
    /// expires within ``nearExpiryDays`` of the plan instant (``nextExpiry(_:after:)``); 1
    /// routers end rejected (capacity or no valid license) or device management disabled; 2
    /// licenses expire or reminders are due in this plan; 3 the rest. Newcomer run 8: a tenant
    /// adopted one day before its license expires was a compact row below hundreds of tenants
    /// whose routers were rejected long ago. (A plan with errors shows no tenants.)
    static func reviewRank(_ tenant: TenantPlan, at: Instant) -> Int {
        if let next = nextExpiry(tenant, after: at), next <= at.addingDays(nearExpiryDays) { return 0 }
        if tenant.after.mode == .disabled || tenant.after.offline.contains(where: { $0.reason != .notConnected }) {
            return 1
        }
        if tenant.events.contains(where: { $0.action == .notify || $0.action == .expire }) { return 2 }
        return 3
    }

    /// The earliest expiry after `at` named by the plan's own events (`activate`, `renew`,
    /// `adopt`, `notify`) of a license the plan does not expire; `nil` when none names one.
    /// Only events, which the plan JSON carries, so that `show PLANFILE` prints what `plan`
    /// printed (docs/README.md §8 "Output").
    static func nextExpiry(_ tenant: TenantPlan, after at: Instant) -> Instant? {
        let expired = Set(tenant.events.lazy.filter { $0.action == .expire }.compactMap(\.code))
        return tenant.events.lazy
            .filter {
                [.activate, .renew, .adopt, .notify].contains($0.action) && !($0.code.map(expired.contains) ?? false)
            }
            .compactMap(\.expiresAt).filter { $0 > at }.min()
    }

    /// `changed` in review order (``reviewRank(_:at:)``), by name within a rank: on a big
    /// adoption the tenants that need a look come before those that only change quietly.
    static func reviewOrder(_ changed: [TenantPlan], at: Instant) -> [TenantPlan] {
        let ranks = changed.map { reviewRank($0, at: at) }
        return changed.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }.map { changed[$0] }
    }

    /// The changed tenants' sections, in the given order, within `limit`. When not all fit, the
    /// first ones are shown in full and every other one as a row of a compact table (events,
    /// capacity before → after, rejected routers, next expiry), as many sections kept as leave room for the
    /// whole table; only when not even the table fits are its last rows left out, with the
    /// closing note of ``omissionNote(tenants:events:limit:)``.
    ///
    /// - Parameters:
    ///   - at: the plan instant, for the rows' next expiry.
    ///   - fixed: bytes (UTF-8) already taken by the rest of the comment.
    static func reviewSections(_ tenants: [TenantPlan], at: Instant, fixed: Int, limit: Int, showCodes: Bool) -> (
        text: String, complete: Bool
    ) {
        var sections: [String] = []
        var used = fixed
        for tenant in tenants where used < limit {
            let s = section(tenant, showCodes: showCodes)
            sections.append(s)
            used += s.utf8.count
        }
        if sections.count == tenants.count, used < limit { return (sections.joined(), true) }

        let rows = tenants.map { summaryRow($0, at: at) }
        // restBytes[k]: the table rows of tenants k..<count.
        var restBytes = [Int](repeating: 0, count: tenants.count + 1)
        for k in stride(from: tenants.count - 1, through: 0, by: -1) {
            restBytes[k] = restBytes[k + 1] + rows[k].utf8.count
        }
        let frameReserve = summaryFrame(tenants: tenants.count, limit: limit).utf8.count
        var kept = 0
        var sectionBytes = 0
        while kept < sections.count,
            fixed + sectionBytes + sections[kept].utf8.count + frameReserve + restBytes[kept + 1] < limit
        {
            sectionBytes += sections[kept].utf8.count
            kept += 1
        }
        guard fixed + sectionBytes + frameReserve + restBytes[kept] >= limit else {
            let text = sections.prefix(kept).joined() + summaryFrame(tenants: tenants.count - kept, limit: limit)
            return (text + rows[kept...].joined(), false)
        }
        // Not even the table of the rest fits: the most urgent sections in half the room, then
        // as many rows as fit, then the note for the rest.
        let noteReserve = omissionNote(tenants: tenants.count, events: Int.max / 2, limit: limit).utf8.count
        var room = limit - fixed - frameReserve - noteReserve
        kept = 0
        sectionBytes = 0
        while kept < sections.count, sectionBytes + sections[kept].utf8.count < room / 2 {
            sectionBytes += sections[kept].utf8.count
            kept += 1
        }
        room -= sectionBytes
        var text = sections.prefix(kept).joined() + summaryFrame(tenants: tenants.count - kept, limit: limit)
        var shown = kept
        while shown < tenants.count, rows[shown].utf8.count < room {
            room -= rows[shown].utf8.count
            shown += 1
        }
        text += rows[kept..<shown].joined()
        let leftOut = tenants[shown...]
        return (
            text
                + omissionNote(tenants: leftOut.count, events: leftOut.reduce(0) { $0 + $1.events.count }, limit: limit),
            false
        )
    }

    /// The heading and header of the compact table of ``reviewSections(_:at:fixed:limit:showCodes:)``.
    static func summaryFrame(tenants: Int, limit: Int) -> String {
        "\n### \(counted(tenants, "more changed tenant")), one row each\n\n"
            + "_Kept below \(limit) characters: run `licensectl plan --target TENANT` for a tenant's events, "
            + "`licensectl plan --format json` for the full plan._\n\n"
            + "| tenant | events | capacity | rejected | next expiry |\n|:--|--:|:--|--:|:--|\n"
    }

    /// One row of the compact table: name, event count, capacity before → after, routers
    /// rejected after (capacity or no valid license), and the date of the next license expiry
    /// after `at` (``nextExpiry(_:after:)``, `none` without one), bold within
    /// ``nearExpiryDays``.
    static func summaryRow(_ tenant: TenantPlan, at: Instant) -> String {
        let rejected = tenant.after.offline.filter { $0.reason != .notConnected }.count
        var expiry = "none"
        if let next = nextExpiry(tenant, after: at) {
            expiry = next <= at.addingDays(nearExpiryDays) ? "**\(next.dateString)**" : next.dateString
        }
        return "| `\(MarkdownTable.escape(tenant.tenant))` | \(tenant.events.count) | "
            + "\(transition(tenant.before?.capacity, tenant.after.capacity)) | \(rejected) | \(expiry) |\n"
    }

    /// The sections of a capped Markdown comment (plan or forecast): rendered only until the
    /// limit is passed, so the work stays proportional to the output; when not all fit, whole
    /// sections are kept from the start while the closing `note(tenantsLeftOut, eventsLeftOut)`
    /// still fits after them.
    ///
    /// - Parameter fixed: bytes (UTF-8) already taken by the rest of the comment.
    /// - Returns: the kept sections (and the note when any was left out); `complete` when all fit.
    static func cappedSections<Item>(
        _ items: [Item], fixed: Int, limit: Int, render: (Item) -> String, events: (Item) -> Int,
        note: (_ tenants: Int, _ events: Int) -> String
    ) -> (text: String, complete: Bool) {
        var sections: [String] = []
        var used = fixed
        for item in items where used < limit {
            let s = render(item)
            sections.append(s)
            used += s.utf8.count
        }
        if sections.count == items.count, used < limit { return (sections.joined(), true) }
        let noteReserve = note(items.count, Int.max / 2).utf8.count
        var kept = 0
        used = fixed
        for s in sections {
            guard used + s.utf8.count + noteReserve < limit else { break }
            used += s.utf8.count
            kept += 1
        }
        let leftOut = items.dropFirst(kept)
        return (sections.prefix(kept).joined() + note(leftOut.count, leftOut.reduce(0) { $0 + events($1) }), false)
    }

    /// `## licensectl plan at …` and the one-line verdict.
    static func title(_ plan: Plan) -> String {
        let s = plan.summary
        var out = "## licensectl plan at \(plan.at)\n\n"
        if s.errors > 0 {
            out += "**The plan has \(counted(s.errors, "error")): nothing can be applied.**\n"
        } else if s.changed == 0 {
            out += "**No changes.** State is up to date.\n"
        } else {
            out += "**Changes in \(s.changed) of \(counted(s.tenants, "tenant")).**\n"
        }
        return out
    }

    /// Tenants, changed, the count of each action (docs/rules.md §4.1 order), errors, warnings.
    static func summaryTable(_ plan: Plan) -> String {
        let s = plan.summary
        var table = MarkdownTable(headers: ["", "count"], alignments: [.left, .right])
        table.append(["tenants", .text(s.errors > 0 && s.tenants == 0 ? "not planned (errors)" : "\(s.tenants)")])
        table.append(["changed", .text("\(s.changed)")])
        for (action, count) in PlanText.actionCounts(s) {
            table.append([.code(action.signed), .text("\(count)")])
        }
        table.append(["errors", .text("\(s.errors)")])
        table.append(["warnings", .text("\(s.warnings)")])
        return table.render()
    }

    /// `### Errors and warnings` with one bullet each in the given order (errors first); cut to
    /// `budget` UTF-8 bytes with `… and N more` when needed. Empty without diagnostics.
    static func diagnosticsList(_ diagnostics: [Diagnostic], showCodes: Bool, budget: Int) -> String {
        guard !diagnostics.isEmpty else { return "" }
        return "\n### Errors and warnings\n\n" + bullets(diagnostics, showCodes: showCodes, budget: budget - 30)
    }

    /// The standing warnings of unchanged tenants in a collapsed `<details>`, cut to `budget`
    /// UTF-8 bytes; empty when not even its frame fits.
    static func standingList(_ diagnostics: [Diagnostic], showCodes: Bool, budget: Int) -> String {
        let open =
            "\n<details><summary>\(counted(diagnostics.count, "standing warning")) of unchanged tenants</summary>\n\n"
        let close = "\n</details>\n"
        let room = budget - open.utf8.count - close.utf8.count - 1
        guard room > 200 else { return "" }
        return open + bullets(diagnostics, showCodes: showCodes, budget: room) + close
    }

    /// One bullet per diagnostic, `- **warning** `file:line` message`, within `budget` bytes.
    static func bullets(_ diagnostics: [Diagnostic], showCodes: Bool, budget: Int) -> String {
        var out = ""
        let moreReserve = "- … and \(diagnostics.count) more (see `licensectl plan --format json`)\n".utf8.count
        for (i, d) in diagnostics.enumerated() {
            var line = "- **\(d.severity.rawValue)**"
            if let location = d.location { line += " `\(location.fileAndLine)`" }
            line += " " + MarkdownTable.escape(showCodes ? d.message : maskingActivationCodes(in: d.message)) + "\n"
            if out.utf8.count + line.utf8.count + moreReserve > budget {
                out += "- … and \(diagnostics.count - i) more (see `licensectl plan --format json`)\n"
                break
            }
            out += line
        }
        return out
    }

    /// One changed tenant as a collapsible block.
    static func section(_ tenant: TenantPlan, showCodes: Bool) -> String {
        let b = tenant.before
        let a = tenant.after
        var summary = "<code>\(PlanText.header(tenant).prefix(1)) \(MarkdownTable.escape(tenant.tenant))</code>"
        if let prior = tenant.prior {
            summary += " · serial \(prior.serial) → \(prior.serial + 1)"
        } else {
            summary += " · new"
        }
        summary += " · \(counted(tenant.events.count, "event")) · capacity \(transition(b?.capacity, a.capacity))"
        let offlineAfter = a.offline.filter { $0.reason != .notConnected }.count
        if offlineAfter > 0 { summary += " · \(offlineAfter) rejected" }

        var out = "\n<details><summary>\(summary)</summary>\n\n"
        if !tenant.events.isEmpty {
            var events = MarkdownTable(headers: ["instant", "action", "code / serial", "details"])
            for e in tenant.events where !RouterChangeGroup.isRouterEvent(e) {
                events.append([
                    .text(e.at.description), .code(e.action.signed), .code(e.subject(showCodes: showCodes)),
                    .text(e.details(showCodes: showCodes)),
                ])
            }
            for g in RouterChangeGroup.groups(of: tenant.events) {
                events.append([
                    .text(g.at.description), .code(g.action.signed), .text(g.countText),
                    .text(g.listText(limit: PlanText.routerListLimit)),
                ])
            }
            out += events.render() + "\n"
        }
        var counts = MarkdownTable(headers: ["", "before", "after"], alignments: [.left, .right, .right])
        counts.append(["capacity", .text(b.map { "\($0.capacity)" } ?? "none"), .text("\(a.capacity)")])
        counts.append(["mode", .text(b?.mode.rawValue ?? "none"), .text(a.mode.rawValue)])
        counts.append(["online", .text(b.map { "\($0.online)" } ?? "none"), .text("\(a.online.count)")])
        counts.append(["offline", .text(b.map { "\($0.offline)" } ?? "none"), .text("\(a.offline.count)")])
        out += counts.render()
        out += "\n</details>\n"
        return out
    }

    /// The closing line when sections were left out.
    static func omissionNote(tenants: Int, events: Int, limit: Int) -> String {
        "\n> **\(counted(tenants, "changed tenant")) (\(counted(events, "event"))) not shown:** "
            + "this comment is kept below \(limit) characters. "
            + "Run `licensectl plan --format json` or `licensectl plan --out PLANFILE` for the full plan.\n"
    }

    /// Last resort for a limit too small for even the head: cut at the last line break that fits.
    static func truncated(_ text: String, limit: Int) -> String {
        guard text.utf8.count >= limit else { return text }
        var out = ""
        var used = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let n = line.utf8.count + 1
            guard used + n < limit else { break }
            out += line + "\n"
            used += n
        }
        return out
    }
}
