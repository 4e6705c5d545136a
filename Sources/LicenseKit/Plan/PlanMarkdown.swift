/// The plan as a pull-request comment (`plan --format markdown`, issue 5), GitHub-flavoured
/// Markdown.
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
        let changed = plan.tenants.filter(\.changed)
        let unchanged = plan.tenants.count - changed.count
        let tail = unchanged > 0 ? "\n_\(counted(unchanged, "tenant")) unchanged._\n" : ""

        // The errors and warnings that stand alone may take at most a third of what the head
        // leaves; tenant sections come first in the text and take what is left.
        let human = HumanDiagnostics(plan)
        let diagnostics = diagnosticsList(
            human.diagnostics, showCodes: showCodes,
            budget: max(0, (limit - head.utf8.count) / 3))
        let fixed = head.utf8.count + diagnostics.utf8.count + tail.utf8.count

        let body = cappedSections(
            changed, fixed: fixed, limit: limit, render: { section($0, showCodes: showCodes) },
            events: { $0.events.count },
            note: { omissionNote(tenants: $0, events: $1, limit: limit) })
        var text = head + body.text + tail + diagnostics
        // All standing warnings of unchanged tenants, collapsed, in whatever room is left.
        if body.complete, !human.consolidated.isEmpty {
            text += standingList(human.consolidated, showCodes: showCodes, budget: limit - text.utf8.count)
        }
        return body.complete ? text : truncated(text, limit: limit)
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
