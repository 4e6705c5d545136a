import Foundation
import Testing

/// A newcomer's adoption of a running fleet, at the command line (README "Bring in a running
/// fleet"): the reproducing inputs of AdoptionFindingsTests through the built binary, where
/// exit codes, untouched state and GitHub annotations show.
@Suite struct AdoptionFindingsCLITests {
    private static let manifest = """
        apiVersion: licensectl/v1
        kind: Tenant
        metadata:
          name: site-006
        spec:
          contacts: [noc@site-006.example]
          imports:
            - file: ../fixtures/platform/site-006-licenses.csv

        """

    /// The newcomer's `m7f`: the platform export's `Activated` header misspelled, the expiries
    /// emptied. Every command used to exit 0 and the tenant ended disabled, its codes stock.
    @Test func aMisspelledActivatedHeaderIsRefusedByEveryCommand_initWritesNoManifest() throws {
        let repo = try TempRepo(label: "adopt-header")
        defer { repo.remove() }
        try repo.write("tenants/site-006.yaml", Self.manifest)
        try repo.write(
            "fixtures/platform/site-006-licenses.csv",
            """
            Activation Code,Product,Issued,Term,Activatd,Valid Until,Order Number
            D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,,SO-73972

            """)
        let expected =
            "fixtures/platform/site-006-licenses.csv:1:37: error: column 'Activatd' is not one licensectl reads (did you mean 'activated'?), and the file has no activated_at column: every running license of this file would be redeemed as unactivated stock instead of adopted"
        let before = repo.files()
        let at = ["--at", "2026-12-01T12:00:00Z"]
        for command in [["validate"], ["plan"] + at, ["apply", "--yes"] + at] {
            let run = try licensectl(command + ["-C", repo.root])
            #expect(run.status == 1, "\(command): \(run)")
            #expect(run.stderr.contains(expected), "\(command): \(run.stderr)")
        }
        let annotated = try licensectl(["validate", "-C", repo.root, "--format", "github"])
        #expect(
            annotated.stdout.contains("::error file=fixtures/platform/site-006-licenses.csv,line=1,col=37::"),
            "\(annotated.stdout)")
        try FileManager.default.removeItem(atPath: repo.path("tenants/site-006.yaml"))
        let initRun = try licensectl([
            "init", "site-006", "-C", repo.root, "--licenses", "fixtures/platform/site-006-licenses.csv",
        ])
        #expect(initRun.status == 1, "\(initRun)")
        #expect(initRun.stderr.contains(expected), "\(initRun.stderr)")
        var unchanged = before
        unchanged["tenants/site-006.yaml"] = nil
        #expect(changedPaths(unchanged, repo.files()) == [])
    }

    /// The newcomer's `m4`: a row of site-006's export appended to site-007's. The annotations
    /// used to name both manifests, not the CSV the pull request changed.
    @Test func aCodeInTwoTenantsIsAnnotatedAtEachCSVRow() throws {
        let repo = try TempRepo(label: "adopt-two-tenants")
        defer { repo.remove() }
        let row = "D953-1D87-CEC3,Cloud Basic 25,2025-04-13,P2Y,2025-04-21T12:47:00Z,2027-04-21T12:47:00Z,SO-73972\n"
        let header = "Activation Code,Product,Issued,Term,Activated,Valid Until,Order Number\n"
        try repo.write("tenants/site-006.yaml", Self.manifest)
        try repo.write("fixtures/platform/site-006-licenses.csv", header + row)
        try repo.write(
            "tenants/site-007.yaml",
            Self.manifest.replacingOccurrences(of: "site-006", with: "site-007"))
        try repo.write(
            "fixtures/platform/site-007-licenses.csv",
            header + "FA7F-4C4F-9B06,Cloud Basic 25,2026-05-06,P1Y,2026-06-09T03:01:00Z,,SO-94268\n" + row)
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-12-01T12:00:00Z", "--format", "github"])
        #expect(run.status == 1, "\(run)")
        // `::error file=…,line=…,col=…::message`: the place of each annotation.
        let annotations = run.stdout.split(separator: "\n").filter { $0.hasPrefix("::error") }.map {
            $0.components(separatedBy: "::")[1]
        }
        #expect(
            annotations == [
                "error file=fixtures/platform/site-006-licenses.csv,line=2,col=1",
                "error file=fixtures/platform/site-007-licenses.csv,line=3,col=1",
            ], "\(run.stdout)")
    }
}
