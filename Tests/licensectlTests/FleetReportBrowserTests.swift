import Foundation
import Testing

/// The HTML fleet report (`forecast --format html`, issue 11) in a real browser: headless
/// Chromium (Debian's `chromium`, installed by `.ci/run`). Not skipped when Chromium is missing:
/// the test fails and says how to install it.
@Suite(.serialized) struct FleetReportBrowserTests {
    static func chromium() throws -> URL {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        Issue.record("headless Chromium is needed for this test: apt-get install -y chromium (.ci/run does)")
        throw CancellationError()
    }

    /// Runs Chromium headless on `page` with console logging on stderr.
    static func browse(_ page: String, _ extra: [String]) throws -> CLIRun {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "licensectl-chromium-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: home) }
        return try RunningCommand(
            executable: chromium(),
            [
                "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + home.path, "--window-size=1280,1400",
            ] + extra + ["file://" + page],
            environment: ["HOME": home.path]
        ).wait()
    }

    /// Console messages (`console.log`, uncaught exceptions) that Chromium logged.
    static func consoleMessages(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
    }

    static func report() throws -> (repo: TempRepo, page: String, html: String) {
        let repo = try TempRepo.example(label: "fleet-report")
        let run = try licensectl(["forecast", "-C", repo.root, "--at", "2026-11-29", "--format", "html"])
        #expect(run.status == 0, "\(run)")
        try repo.write("report.html", run.stdout)
        return (repo, repo.path("report.html"), run.stdout)
    }

    @Test func thePageIsSelfContained() throws {
        let (repo, _, html) = try Self.report()
        defer { repo.remove() }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // No network access: no external script, style sheet, image or font; the only URL is
        // the SVG namespace.
        #expect(!html.contains("src="))
        #expect(!html.contains("href="))
        #expect(!html.contains("@import"))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "://") == nil)
        #expect(html.contains("<table id=\"fleet\">"))
        #expect(html.contains("First rejection: harbor-lights on 2026-12-01 (9 routers)."))
        #expect(!html.contains("-****-"), "codes never appear in the report")
    }

    @Test func chromiumLoadsThePageWithoutConsoleMessagesAndSortsTheTable() throws {
        let (repo, page, html) = try Self.report()
        defer { repo.remove() }
        let dom = try Self.browse(page, ["--dump-dom"])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(Self.consoleMessages(dom.stderr) == [])
        #expect(dom.stdout.contains("<table id=\"fleet\">"))
        #expect(dom.stdout.components(separatedBy: "<tr>").count - 1 == 6)

        // Clicking "days to rejection" sorts ascending: harbor-lights (2 days) comes first;
        // clicking again sorts descending.
        let click = """
            <script>
            var th=document.querySelector('th[data-col="8"]');th.click();
            var first=document.querySelector('#fleet tbody tr td').textContent;th.click();
            var last=document.querySelector('#fleet tbody tr td').textContent;
            document.body.setAttribute('data-sorted',first+','+last);
            </script>
            """
        try repo.write("clicked.html", html.replacingOccurrences(of: "</body>", with: click + "</body>"))
        let clicked = try Self.browse(repo.path("clicked.html"), ["--dump-dom"])
        #expect(Self.consoleMessages(clicked.stderr) == [])
        #expect(clicked.stdout.contains("data-sorted=\"harbor-lights,baltic-ports\""), "\(clicked.stdout.prefix(400))")
    }

    @Test func aPageWithAScriptErrorIsCaught() throws {
        // The console check itself can fail: an uncaught error is reported.
        let (repo, _, html) = try Self.report()
        defer { repo.remove() }
        try repo.write("broken.html", html.replacingOccurrences(of: "<script>", with: "<script>notDefined();"))
        let run = try Self.browse(repo.path("broken.html"), ["--dump-dom"])
        #expect(Self.consoleMessages(run.stderr).contains { $0.contains("notDefined is not defined") })
    }

    @Test func aScreenshotShowsTheTableAndTheChart() throws {
        let (repo, page, _) = try Self.report()
        defer { repo.remove() }
        let png = repo.path("report.png")
        let run = try Self.browse(page, ["--screenshot=" + png, "--hide-scrollbars"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.consoleMessages(run.stderr) == [])
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // A blank page compresses to a few kilobytes; table, chart and sparklines do not.
        #expect(data.count > 30_000)
        if let keep = ProcessInfo.processInfo.environment["LICENSECTL_KEEP_SCREENSHOT"] {
            try data.write(to: URL(fileURLWithPath: keep))
        }
    }
}
