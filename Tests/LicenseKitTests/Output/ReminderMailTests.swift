import Testing

@testable import LicenseKit

/// Hand-made tenant plans for the reminder mail (docs/rules.md §4.3, docs/cli.md §6 `apply --outbox`).
enum MailFixtures {
    static func instant(_ text: String) -> Instant {
        (try? Instant.parse(text)) ?? Instant(secondsSinceEpoch: 0)
    }

    /// The text with every run of white space (CRLF included) turned into one space.
    static func flattened(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\r\n" || $0 == "\n" }).joined(separator: " ")
    }

    static func code(_ text: String) -> ActivationCode {
        try! ActivationCode(parsing: text)
    }

    static func active(_ code: ActivationCode, _ type: LicenseType, activated: String, expires: String) -> LicenseRecord
    {
        LicenseRecord(
            code: code, type: type, status: .active, issued: instant("2025-11-01"), term: .oneYear,
            activation: .at(instant(activated)), redeemedAt: instant("2025-11-20"),
            activatedAt: instant(activated), expiresAt: instant(expires), source: "fixtures/sales.csv:2")
    }

    static func plan(
        tenant: String, at: Instant, licenses: [LicenseRecord], notified: [ActivationCode],
        online: [String], offline: [OfflineRouter] = [], contacts: [String]
    ) -> TenantPlan {
        let events = notified.compactMap { code -> PlanEvent? in
            guard let expiresAt = licenses.first(where: { $0.code == code })?.expiresAt else { return nil }
            let slot = [30, 23, 16, 9, 2].map { expiresAt.addingDays(-$0) }.filter { $0 <= at }.max()
            return PlanEvent(at: slot ?? at, action: .notify, code: code, expiresAt: expiresAt, slot: slot)
        }
        let capacity = ReminderMailer.capacity(of: licenses, at: at)
        var counts = LicenseCounts()
        for l in licenses { counts[l.status] += 1 }
        let after = TenantAfter(
            mode: capacity > 0 ? .full : .disabled, capacity: capacity, online: online,
            offline: offline, licenses: counts)
        let state = TenantState(
            tenant: tenant, lineage: "00000000-0000-5000-8000-000000000000", serial: 4,
            appliedAt: at, licenses: licenses, routers: [],
            summary: TenantSummary(mode: after.mode, capacity: capacity, online: online.count, offline: offline.count))
        return TenantPlan(
            tenant: tenant, prior: PriorRef(lineage: state.lineage, serial: 3), changed: true,
            events: events.sorted(by: PlanEvent.ordered), after: after, newState: state, contacts: contacts)
    }

    /// acme-water: 10 × Cloud Basic 1, 8 of them expire on 2026-12-15, 10 routers online.
    static var acmeWater: TenantPlan {
        let expiring = (0..<8).map { code("4C1A-7E2\($0)-9B0\($0)") }
        let lasting = (8..<10).map { code("4C1A-7E2\($0)-9B0\($0)") }
        let licenses =
            expiring.map { active($0, .cloudBasic1, activated: "2025-12-15", expires: "2026-12-15") }
            + lasting.map { active($0, .cloudBasic1, activated: "2026-06-01", expires: "2027-06-01") }
        let routers = (1...10).map { "00A0BA0000\($0 < 10 ? "0" : "")\($0)" }
        return plan(
            tenant: "acme-water", at: instant("2026-11-15T00:00:00Z"), licenses: licenses, notified: expiring,
            online: routers, contacts: ["ops@acme.example", "Fleet Team <fleet@acme.example>"])
    }

    /// harbor-lab: one Cloud Free license that expires on 2026-12-01, at 06:30 two days before.
    static var harborLab: TenantPlan {
        let free = code("F3EE-0001-2026")
        let licenses = [active(free, .cloudFree, activated: "2025-12-01", expires: "2026-12-01")]
        return plan(
            tenant: "harbor-lab", at: instant("2026-11-29T06:30:00Z"), licenses: licenses, notified: [free],
            online: ["HL-ROUTER-01", "HL-ROUTER-02", "HL-ROUTER-03"], contacts: ["lab@harbor.example"])
    }
}

@Suite struct ReminderMailTests {
    @Test func acmeWaterMessageMatchesGoldenFile() throws {
        let plan = MailFixtures.acmeWater
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        #expect(mail.fileName == "acme-water-20261115T000000Z.eml")
        try OutputGolden.check(mail.contents, named: mail.fileName)
    }

    @Test func cloudFreeMessageMentionsRenewalAndMatchesGoldenFile() throws {
        let plan = MailFixtures.harborLab
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-29T06:30:00Z"), from: "Licenses <licenses@corp.example>"))
        #expect(mail.fileName == "harbor-lab-20261129T063000Z.eml")
        let text = MailFixtures.flattened(mail.contents)
        #expect(
            text.contains(
                "Cloud Free is free of charge and can be renewed for another year: ask your license administrator to renew it"
            ))
        #expect(
            text.contains("From 2026-12-01: capacity 1000 -> 0; with no valid license device management is disabled"))
        #expect(text.contains("all 3 online routers would go offline"))
        try OutputGolden.check(mail.contents, named: mail.fileName)
    }

    @Test func tenantWithoutContactsGetsNoMessage() {
        var plan = MailFixtures.acmeWater
        plan.contacts = []
        #expect(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom) == nil)
        plan.contacts = ["  "]
        #expect(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom) == nil)
    }

    /// A contact listed twice, in any letter case, is addressed once (newcomer run 5: `To:` held
    /// `noc@t.example` three times).
    @Test func aContactListedTwiceIsAddressedOnce() throws {
        var plan = MailFixtures.acmeWater
        plan.contacts = ["noc@t.example", "NOC@t.example", "ops@t.example", "noc@t.example"]
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        let to = mail.contents.split(separator: "\r\n").first { $0.hasPrefix("To: ") }
        #expect(to == "To: noc@t.example, ops@t.example", "\(mail.contents)")
    }

    @Test func tenantWithoutNotifyEventsGetsNoMessage() {
        var plan = MailFixtures.acmeWater
        plan.events = plan.events.map {
            var e = $0
            e.action = .activate
            return e
        }
        #expect(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom) == nil)
    }

    @Test func linesEndWithCRLFFitIn78CharactersAndLongHeadersFold() throws {
        var plan = MailFixtures.acmeWater
        plan.contacts = (1...12).map { "operator\($0)@acme-water.example" }
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        #expect(mail.contents.hasSuffix("\r\n"))
        let lines = mail.contents.components(separatedBy: "\r\n")
        for line in lines {
            #expect(!line.contains("\n") && !line.contains("\r"), "bare LF or CR in \(line)")
            #expect(line.count <= 78, "line longer than 78: \(line)")
        }
        // The To header folds after a comma; continuation lines start with a space.
        let to = try #require(lines.firstIndex { $0.hasPrefix("To: ") })
        #expect(lines[to] == "To: operator1@acme-water.example, operator2@acme-water.example,")
        #expect(lines[to + 1] == " operator3@acme-water.example, operator4@acme-water.example,")
        let headerEnd = try #require(lines.firstIndex(of: ""))
        let unfolded = lines[to..<headerEnd].prefix { $0.hasPrefix("To: ") || $0.hasPrefix(" ") }.joined(separator: "")
        #expect(unfolded == "To: " + plan.contacts.joined(separator: ", "))
    }

    @Test func longSubjectFoldsAtSpaces() {
        let header = RFC5322.header(
            "Subject",
            "[licensectl] a-very-long-tenant-name-for-the-water-works-of-some-city: 8 licenses expire on 2026-12-15")
        #expect(
            header
                == "Subject: [licensectl]\r\n a-very-long-tenant-name-for-the-water-works-of-some-city: 8 licenses expire\r\n on 2026-12-15"
        )
    }

    @Test func messageIDIsStableAndDependsOnTenantInstantAndCodes() throws {
        let at = MailFixtures.instant("2026-11-15T00:00:00Z")
        func messageID(_ plan: TenantPlan, _ at: Instant) throws -> String {
            let mail = try #require(ReminderMailer.message(for: plan, at: at, from: ReminderMailer.defaultFrom))
            let line = try #require(
                mail.contents.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") })
            return String(line.dropFirst("Message-ID: ".count))
        }
        let first = try messageID(MailFixtures.acmeWater, at)
        #expect(first == (try messageID(MailFixtures.acmeWater, at)))
        #expect(first.hasPrefix("<licensectl.acme-water.20261115T000000Z."))
        #expect(first.hasSuffix("@licensectl>"))
        #expect(first != (try messageID(MailFixtures.acmeWater, at.addingDays(7))))
        var fewer = MailFixtures.acmeWater
        fewer.events.removeLast()
        #expect(first != (try messageID(fewer, at)))
    }

    @Test func longTenantNameFoldsMessageIDAndShortensItsTenantPart() throws {
        var plan = MailFixtures.acmeWater
        plan.tenant = String(repeating: "w", count: 63)
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        let lines = mail.contents.components(separatedBy: "\r\n")
        let index = try #require(lines.firstIndex(of: "Message-ID:"))
        #expect(lines[index + 1].hasPrefix(" <licensectl.\(String(repeating: "w", count: 23)).20261115T000000Z."))
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(mail.fileName == plan.tenant + "-20261115T000000Z.eml")
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", "Thu, 1 Jan 1970 00:00:00 +0000"),
        ("2026-11-15T00:00:00Z", "Sun, 15 Nov 2026 00:00:00 +0000"),
        ("2024-02-29T23:59:59Z", "Thu, 29 Feb 2024 23:59:59 +0000"),
        ("2027-06-01T08:05:09Z", "Tue, 1 Jun 2027 08:05:09 +0000"),
    ])
    func dateHeaderIsRFC5322InUTC(instant: String, expected: String) {
        #expect(RFC5322.date(MailFixtures.instant(instant)) == expected)
    }

    @Test func bodyMasksCodesAndCountsRoutersThatWouldGoOffline() throws {
        let mail = try #require(
            ReminderMailer.message(
                for: MailFixtures.acmeWater, at: MailFixtures.instant("2026-11-15T00:00:00Z"),
                from: ReminderMailer.defaultFrom))
        #expect(mail.contents.contains("4C1A-****-9B00  Cloud Basic 1   2026-12-15        30"))
        #expect(!mail.contents.contains("4C1A-7E20-9B00"))
        #expect(
            MailFixtures.flattened(mail.contents).contains(
                "From 2026-12-15: capacity 10 -> 2; 8 of the 10 online routers would go offline"))
        #expect(mail.contents.contains("00A0BA000003, 00A0BA000004"))
        #expect(!mail.contents.contains("00A0BA000002,"))
    }

    /// Issue 11: the mail says when a replacement is already scheduled, and speaks to the
    /// tenant's contacts (no manifest, no repo, no merge).
    @Test func aScheduledReplacementIsNamedAndNothingIsToBeDone() throws {
        var plan = MailFixtures.acmeWater
        var replacement = MailFixtures.active(
            MailFixtures.code("5D00-0000-0001"), .cloudBasic25,
            activated: "2026-12-15", expires: "2027-12-15")
        replacement.status = .scheduled
        replacement.activatedAt = nil
        replacement.expiresAt = nil
        replacement.scheduledAt = MailFixtures.instant("2026-12-15")
        plan.newState?.licenses.append(replacement)
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        let text = MailFixtures.flattened(mail.contents)
        #expect(
            text.contains(
                "A replacement is already scheduled 5D00-****-0001 Cloud Basic 25 activates 2026-12-15 These activate on their own; the capacity above already counts them."
            ), "\(text)")
        #expect(text.contains("From 2026-12-15: capacity 10 -> 27; all 10 online routers stay online."))
        #expect(
            text.contains(
                "What to do Nothing, if the scheduled licenses above are what you expect: all 10 online routers stay online."
            ))
        #expect(!text.contains("manifest") && !text.contains("merge") && !text.contains("license repo"))
        #expect(text.contains("You receive this message as a contact of the tenant acme-water."))
    }

    /// Newcomer report: the mail said "if the scheduled licenses above are what you expect" to a
    /// tenant with no scheduled license, whose other active licenses cover its routers.
    @Test func otherActiveLicensesCoveringTheRoutersAreNamedNotScheduledOnes() throws {
        var plan = MailFixtures.acmeWater
        plan.after.online = ["00A0BA000001", "00A0BA000002"]
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        let text = MailFixtures.flattened(mail.contents)
        #expect(!text.contains("scheduled"), "\(text)")
        #expect(
            text.contains(
                "What to do Nothing: your other active licenses cover all 2 online routers after these expiries, so they stay online."
            ), "\(text)")
    }

    @Test func licensesInStockAreNamedWithTheirLastDay() throws {
        var plan = MailFixtures.acmeWater
        let stock = LicenseRecord(
            code: MailFixtures.code("5D00-0000-0002"), type: .cloudBasic25, status: .available,
            issued: MailFixtures.instant("2025-06-01"), term: .oneYear, activation: nil,
            redeemedAt: MailFixtures.instant("2025-07-01"), source: "fixtures/sales.csv:3")
        plan.newState?.licenses.append(stock)
        let mail = try #require(
            ReminderMailer.message(
                for: plan, at: MailFixtures.instant("2026-11-15T00:00:00Z"), from: ReminderMailer.defaultFrom))
        let text = MailFixtures.flattened(mail.contents)
        #expect(
            text.contains(
                "Licenses in stock (not activated yet) 5D00-****-0002 Cloud Basic 25 usable until 2027-06-01"),
            "\(text)")
        #expect(
            text.contains(
                "To keep your routers online after 2026-12-15, ask your license administrator to activate the licenses in stock above by 2026-12-15, or order new ones in time."
            ))
        #expect(!text.contains("manifest") && !text.contains("merge"))
    }

    @Test func nonASCIIDisplayNameIsEncoded() {
        #expect(RFC5322.mailbox("Zürich Netz <ops@zh.example>") == "=?utf-8?B?WsO8cmljaCBOZXR6?= <ops@zh.example>")
        #expect(RFC5322.mailbox("ops@zh.example") == "ops@zh.example")
    }
}
