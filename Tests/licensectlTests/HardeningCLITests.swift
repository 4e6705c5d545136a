import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built licensectl through `/bin/sh` so that stdout or stderr can be redirected (to
/// `/dev/full`), e.g. `redirect: ">/dev/full"`; what is not redirected is captured.
func licensectlRedirected(_ arguments: [String], redirect: String, prefix: [String] = []) throws -> CLIRun {
    let executable = try #require(licensectlExecutable(), "build licensectl first (swift build)")
    let script = "exec \"$@\" " + redirect
    return try RunningCommand(
        executable: URL(fileURLWithPath: "/bin/sh"),
        ["-c", script, "sh"] + prefix + [executable.path] + arguments
    ).wait()
}

/// Whether this machine lets the tests mount a small tmpfs (root in a container usually can).
let canMountTmpfs: Bool = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "licensectl-tmpfs-probe-" + UUID().uuidString
    ).path
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else {
        return false
    }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    guard "size=64k".withCString({ mount("tmpfs", folder, "tmpfs", 0, $0) }) == 0 else { return false }
    umount(folder)
    return true
}()

/// Mounts a 64 KiB tmpfs at `relative` inside `repo` and fills it until the disk is full.
func mountFullDisk(_ repo: TempRepo, at relative: String, leaving folders: [String] = []) throws {
    let folder = repo.path(relative)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try #require("size=64k".withCString({ mount("tmpfs", folder, "tmpfs", 0, $0) }) == 0)
    for sub in folders {
        try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
    }
    let fd = open(folder + "/fill", O_WRONLY | O_CREAT, 0o644)
    try #require(fd >= 0)
    let chunk = [UInt8](repeating: 0, count: 512)
    while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    close(fd)
}

/// Issue 15 end to end: checked writes, the outbox and `--out`, unreadable folders, masking.
@Suite(.serialized) struct HardeningCLITests {
    static let fullDisk =
        "licensectl: error: cannot write to standard output (No space left on device); the output is incomplete\n"

    @Test(arguments: [
        ["validate", "--format", "json"], ["schema"],
        ["plan", "--at", "2026-11-29"], ["plan", "--at", "2026-11-29", "--format", "json"],
        ["forecast", "--at", "2026-11-29"], ["status", "--at", "2026-11-29"],
        // Help and version text, printed for swift-argument-parser (newcomer run 5: exit 0).
        ["--version"], ["--help"], ["plan", "--help"], ["help", "apply"],
    ])
    func aFullStdoutExitsOneWithOneMessage(_ arguments: [String]) throws {
        let repo = try TempRepo.example(label: "full-stdout")
        defer { repo.remove() }
        let takesRepo =
            !["schema", "--version", "--help", "help"].contains(arguments[0]) && !arguments.contains("--help")
        let run = try licensectlRedirected(
            arguments + ["-C", repo.root].filter { _ in takesRepo }, redirect: ">/dev/full")
        #expect(!run.signaled, "\(run)")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.hasSuffix(Self.fullDisk), "\(run)")
        #expect(run.stderr.components(separatedBy: "cannot write").count == 2, "one message: \(run)")
    }

    @Test(arguments: [
        ["plan", "--at", "2026-11-29"], ["validate"], ["plan", "--at", "2026-11-29", "--format", "json"],
    ])
    func aFullStderrExitsOneSilently(_ arguments: [String]) throws {
        let repo = try TempRepo.example(label: "full-stderr")
        defer { repo.remove() }
        let run = try licensectlRedirected(arguments + ["-C", repo.root], redirect: "2>/dev/full")
        #expect(!run.signaled, "\(run)")
        #expect(run.status == 1, "\(run)")
    }

    @Test func anApplyWhosePlanCannotBePrintedWritesNothing() throws {
        let repo = try TempRepo.example(label: "apply-full-stdout")
        defer { repo.remove() }
        let before = repo.files(under: "state")
        let run = try licensectlRedirected(
            ["apply", "-C", repo.root, "--at", "2026-12-01", "--yes"], redirect: ">/dev/full")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.hasSuffix(Self.fullDisk), "\(run)")
        #expect(changedPaths(before, repo.files(under: "state")).allSatisfy { $0 == "state/.lock" })
    }

    @Test func aPlanFileThatIsAFIFOIsRefusedNotWaitedFor() throws {
        let repo = try TempRepo.example(label: "plan-fifo")
        defer { repo.remove() }
        #expect(mkfifo(repo.path("p.json"), 0o644) == 0)
        let run = try licensectl(["apply", "-C", repo.root, "p.json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "licensectl: error: cannot read plan file 'p.json'\n", "\(run)")
        #expect(run.seconds < 30)
    }

    @Test func planOutRefusesAFIFOAndADirectoryAndWritesMode0600() throws {
        let repo = try TempRepo.example(label: "out-special")
        defer { repo.remove() }
        #expect(mkfifo(repo.path("fifo.json"), 0o644) == 0)
        try FileManager.default.createDirectory(atPath: repo.path("dir.json"), withIntermediateDirectories: true)
        for (name, why) in [("fifo.json", "it is not a regular file"), ("dir.json", "it is a folder")] {
            let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", name])
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.contains("licensectl: error: cannot write '\(name)': \(why)"), "\(run)")
        }
        var info = stat()
        #expect(lstat(repo.path("fifo.json"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", "plan.json"])
        #expect(run.status == 0, "\(run)")
        #expect(stat(repo.path("plan.json"), &info) == 0 && (info.st_mode & 0o777) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.root).filter { $0.contains(".tmp") } == [])
    }

    /// `--out` onto a state file or an input of the plan is refused and changes nothing (newcomer
    /// run 5: `plan --out state/journal.jsonl` replaced the journal and nothing noticed), also
    /// through a symlinked folder and with `--state` spelled another way.
    @Test func planOutRefusesStateFilesAndInputs() throws {
        let repo = try TempRepo.example(label: "out-onto-state")
        defer { repo.remove() }
        try FileManager.default.createSymbolicLink(atPath: repo.path("st"), withDestinationPath: "state")
        let before = repo.files()
        let cases: [(args: [String], why: String)] = [
            (["--out", "state/journal.jsonl"], "it is inside the state directory 'state', which only apply writes"),
            (["--out", "state/tenants/acme-water.json"], "it is inside the state directory 'state'"),
            (["--out", "st/new.plan.json"], "it is inside the state directory 'state'"),
            (["--out", "./state"], "it is inside the state directory 'state'"),
            (
                ["--out", "tenants/new.yaml"],
                "it is inside the tenants folder 'tenants', whose files are read as manifests"
            ),
            (
                ["--out", "fixtures/sales/acme-water-2025-01.csv"],
                "it is fixtures/sales/acme-water-2025-01.csv, an input of this plan"
            ),
            (
                ["--out", "fixtures/devices/stadtwerke-nord.csv"],
                "it is fixtures/devices/stadtwerke-nord.csv, an input of this plan"
            ),
        ]
        for (args, why) in cases {
            let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29"] + args)
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.contains("licensectl: error: cannot write '\(args[1])': \(why)"), "\(run)")
            #expect(run.stdout.isEmpty)
        }
        let named = try licensectl([
            "plan", "-C", repo.root, "--at", "2026-11-29", "--state", "./state", "--out", "st/x.json",
        ])
        #expect(named.status == 1 && named.stderr.contains("inside the state directory './state'"), "\(named)")
        #expect(repo.files() == before)
    }

    @Test(.enabled(if: canMountTmpfs, "needs root to mount a 64 KiB tmpfs"))
    func planOutOnAFullDiskExitsOneAndLeavesNoFile() throws {
        let repo = try TempRepo.example(label: "out-full")
        defer {
            umount(repo.path("mnt"))
            repo.remove()
        }
        try mountFullDisk(repo, at: "mnt")
        let run = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--out", "mnt/plan.json"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("licensectl: error: cannot write 'mnt/plan.json': "), "\(run)")
        #expect(run.stderr.contains("No space left on device"), "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path("mnt")) == ["fill"])
    }

    @Test(.enabled(if: canMountTmpfs, "needs root to mount a 64 KiB tmpfs"))
    func anOutboxOnAFullDiskRecordsNoReminderAsSent() throws {
        let repo = try TempRepo.example(label: "outbox-full")
        defer {
            umount(repo.path("mnt"))
            repo.remove()
        }
        try mountFullDisk(repo, at: "mnt", leaving: ["outbox"])
        let before = repo.files(under: "state")
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-12-01", "--yes", "--outbox", "mnt/outbox"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains("licensectl: error: cannot write 'mnt/outbox/acme-water-20261201T000000Z.eml': "),
            "\(run)")
        #expect(run.stderr.contains("No space left on device"), "\(run)")
        #expect(changedPaths(before, repo.files(under: "state")).allSatisfy { $0 == "state/.lock" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path("mnt/outbox")) == [])
    }

    @Test func anOutboxWrittenBeforeStateIsWholeAndPrivate() throws {
        let repo = try TempRepo.example(label: "outbox-ok")
        defer { repo.remove() }
        let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-12-01", "--yes", "--outbox", "outbox"])
        #expect(run.status == 0, "\(run)")
        var info = stat()
        #expect(stat(repo.path("outbox/acme-water-20261201T000000Z.eml"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try repo.read("outbox/acme-water-20261201T000000Z.eml").hasPrefix("From: "))
    }

    @Test func aRelativeOutboxThroughASymlinkOutsideTheRepoIsRefused() throws {
        let repo = try TempRepo.example(label: "outbox-escape")
        let elsewhere = try TempRepo(label: "outbox-elsewhere")
        defer {
            repo.remove()
            elsewhere.remove()
        }
        try FileManager.default.createSymbolicLink(atPath: repo.path("outbox"), withDestinationPath: elsewhere.root)
        let before = repo.files(under: "state")
        for outbox in ["outbox", "outbox/sub"] {
            let run = try licensectl(["apply", "-C", repo.root, "--at", "2026-12-01", "--yes", "--outbox", outbox])
            #expect(run.status == 1, "\(run)")
            #expect(
                run.stderr.contains(
                    "licensectl: error: --outbox '\(outbox)': it resolves (after symlinks) to a place outside the repository root"
                ), "\(run)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.root) == [])
        #expect(changedPaths(before, repo.files(under: "state")).allSatisfy { $0 == "state/.lock" })
    }

    /// Root reads through permission bits: the run is made as `nobody` (setpriv), so that the
    /// folder is really unreadable to licensectl.
    @Test func anUnreadableTenantsFolderIsAnErrorAndRetiresNothing() throws {
        let setpriv = "/usr/bin/setpriv"
        try #require(
            FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) is needed to drop root")
        let repo = try TempRepo.example(label: "unreadable")
        defer {
            chmod(repo.path("tenants/emea"), 0o755)
            repo.remove()
        }
        let nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        chmod(repo.root, 0o755)
        let before = repo.files()
        #expect(chmod(repo.path("tenants/emea"), 0) == 0)
        let validate = try licensectlRedirected(["validate", "-C", repo.root], redirect: "", prefix: nobody)
        #expect(validate.status == 1, "\(validate)")
        #expect(
            validate.stderr.contains("tenants/emea:1:1: error: cannot read this folder (Permission denied)"),
            "\(validate)")
        let plan = try licensectlRedirected(
            ["plan", "-C", repo.root, "--at", "2026-12-01"], redirect: "", prefix: nobody)
        #expect(plan.status == 1, "\(plan)")
        #expect(!plan.stdout.contains("retire"), "\(plan)")
        chmod(repo.path("tenants/emea"), 0o755)
        #expect(chmod(repo.path("tenants/acme-water.yaml"), 0) == 0)
        let unreadableManifest = try licensectlRedirected(
            ["plan", "-C", repo.root, "--at", "2026-12-01"], redirect: "", prefix: nobody)
        #expect(unreadableManifest.status == 1, "\(unreadableManifest)")
        #expect(
            unreadableManifest.stderr.contains(
                "tenants/acme-water.yaml:1:1: error: cannot read 'tenants/acme-water.yaml': Permission denied"),
            "\(unreadableManifest)")
        #expect(!unreadableManifest.stdout.contains("retire"), "\(unreadableManifest)")
        chmod(repo.path("tenants/acme-water.yaml"), 0o644)
        #expect(chmod(repo.path("state/tenants/acme-water.json"), 0) == 0)
        let unreadableState = try licensectlRedirected(
            ["plan", "-C", repo.root, "--at", "2026-12-01"], redirect: "", prefix: nobody)
        #expect(unreadableState.status == 1, "\(unreadableState)")
        #expect(
            unreadableState.stderr.contains(
                "state/tenants/acme-water.json:1:1: error: cannot read state file (Permission denied)"),
            "\(unreadableState)")
        chmod(repo.path("state/tenants/acme-water.json"), 0o644)
        #expect(changedPaths(before, repo.files()) == [])
    }

    @Test func codesNeverAppearInDiagnosticsOfAnyFormat() throws {
        let repo = try TempRepo.example(label: "masking")
        defer { repo.remove() }
        // A sales CSV without its header row, and a code duplicated in state.
        try repo.write("fixtures/sales/acme-water-2024-12.csv", "0D95-1C95-602F,Cloud Basic 1,2024-12-02,P1Y,SO-1\n")
        for format in ["text", "json", "github"] {
            let run = try licensectl(["validate", "-C", repo.root, "--format", format])
            #expect(run.status == 1, "\(run)")
            #expect((run.stdout + run.stderr).contains("0D95-****-602F"), "\(format): \(run)")
            #expect(!(run.stdout + run.stderr).contains("1C95"), "\(format): \(run)")
        }
        let plan = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "json"])
        #expect(plan.status == 1)
        #expect(!plan.stderr.contains("1C95"), "\(plan)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(!diagnostics.isEmpty)
        for d in diagnostics { #expect(!((d["message"] as? String) ?? "").contains("1C95"), "\(d)") }
    }
}
