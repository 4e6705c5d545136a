import Foundation
import Testing

/// The GitHub Action's scripts (`action/pull-request.sh`, `action/install.sh`) run with a fake
/// `GITHUB_*` environment: temporary files for the job summary and outputs, and fake `gh` and
/// `curl` on PATH that record their calls. They use the built debug licensectl.
@Suite struct ActionScriptTests {
    /// A scratch folder with `bin/` (the fakes), the summary and output files, and a log of calls.
    struct FakeRunner {
        let root: String
        var bin: String { root + "/bin" }
        var summary: String { root + "/summary.md" }
        var output: String { root + "/output.txt" }
        var calls: String { root + "/calls.log" }

        init(label: String) throws {
            root =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "licensectl-action-\(label)-" + UUID().uuidString
                ).path
            try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
            // gh: logs its arguments; a listing prints $FAKE_GH_EXISTING; a body file is kept as
            // body-N.md; FAKE_GH_FAIL=1 fails every call that writes.
            try tool(
                "gh",
                """
                #!/bin/bash
                printf '%s\\n' "$*" >> "\(calls)"
                for arg in "$@"; do
                  case "$arg" in body=@*) n=$(ls "\(root)"/body-*.md 2>/dev/null | wc -l); cp "${arg#body=@}" "\(root)/body-$n.md";; esac
                done
                case " $* " in *" --jq "*) printf '%s' "${FAKE_GH_EXISTING:-}"; exit 0;; esac
                if [ "${FAKE_GH_FAIL:-}" = 1 ]; then echo "HTTP 403: Resource not accessible by integration" >&2; exit 1; fi
                echo '{}'
                """)
        }

        func tool(_ name: String, _ text: String) throws {
            let path = bin + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o755)
        }

        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        var callLines: [String] { read(calls).split(separator: "\n").map(String.init) }
        var bodies: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("body-") }
                .sorted().map { read(root + "/" + $0) }
        }
        var outputs: [String: String] {
            var result: [String: String] = [:]
            for line in read(output).split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { result[parts[0]] = parts[1] }
            }
            return result
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        /// Runs an action script with the fake runner's environment plus `extra`.
        func run(_ script: String, _ extra: [String: String] = [:]) throws -> CLIRun {
            let executable = try #require(licensectlExecutable(), "build licensectl first (swift build)")
            var environment = [
                "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "LICENSECTL": executable.path,
                "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": output, "GITHUB_PATH": root + "/path.txt",
                "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF": "refs/pull/42/merge", "GITHUB_EVENT_PATH": "",
                "GITHUB_REPOSITORY": "acme/licenses", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "7",
                "GITHUB_SHA": "0123abc", "GITHUB_TOKEN": "fake-token", "GH_TOKEN": "", "RUNNER_TEMP": root + "/tmp",
                "INPUT_AT": "2026-11-29", "INPUT_ARGS": "", "INPUT_COMMENT": "true", "INPUT_DETAILED_EXITCODE": "false",
                "INPUT_VERSION": "", "INPUT_SHA256": "", "INPUT_RELEASE_URL": "",
            ]
            for (key, value) in extra { environment[key] = value }
            return try RunningCommand(
                executable: URL(fileURLWithPath: "/bin/bash"), [packageRoot + "/action/" + script],
                environment: environment
            ).wait()
        }
    }

    static let fullCode = "[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}"

    @Test func aPlanWithChangesGoesToTheSummaryAndOneNewCommentAndExits0() throws {
        let repo = try TempRepo.example(label: "action-changes")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "changes")
        defer { runner.remove() }

        let run = try runner.run("pull-request.sh", ["INPUT_DIRECTORY": repo.root])
        #expect(run.status == 0, "\(run)")
        #expect(runner.outputs["exit-code"] == "2")
        #expect(runner.outputs["changes"] == "true")
        let planFile = try #require(runner.outputs["plan-markdown"])
        let plan = runner.read(planFile)
        let expected = try licensectl(["plan", "-C", repo.root, "--at", "2026-11-29", "--format", "markdown"])
        #expect(plan == expected.stdout)

        // The summary holds the Markdown plan, without the hidden marker.
        let summary = runner.read(runner.summary)
        #expect(summary.hasPrefix(expected.stdout), "\(summary)")
        #expect(summary.contains("changes to apply on merge"))
        #expect(!summary.contains("<!-- licensectl-plan"))

        // One listing, then one new comment that starts with the marker.
        let calls = runner.callLines
        #expect(calls.count == 2, "\(calls)")
        #expect(
            calls.first?.hasPrefix("api --paginate repos/acme/licenses/issues/42/comments?per_page=100 --jq") == true)
        #expect(calls.last?.hasPrefix("api --method POST repos/acme/licenses/issues/42/comments -F body=@") == true)
        let body = try #require(runner.bodies.first)
        #expect(body.hasPrefix("<!-- licensectl-plan: \(repo.root) -->\n" + expected.stdout))
        #expect(body.contains("[run](https://github.com/acme/licenses/actions/runs/7)"))
        // (The marker line names the temporary repo, whose UUID looks like codes.)
        let content = body.split(separator: "\n").dropFirst().joined(separator: "\n")
        #expect(content.range(of: Self.fullCode, options: .regularExpression) == nil, "codes must be masked")
    }

    @Test func detailedExitcodePassesThe2Through() throws {
        let repo = try TempRepo.example(label: "action-detailed")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "detailed")
        defer { runner.remove() }
        let run = try runner.run("pull-request.sh", ["INPUT_DIRECTORY": repo.root, "INPUT_DETAILED_EXITCODE": "true"])
        #expect(run.status == 2, "\(run)")
        #expect(runner.outputs["exit-code"] == "2")
    }

    @Test func anExistingCommentIsUpdatedNotDuplicated() throws {
        let repo = try TempRepo.example(label: "action-update")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "update")
        defer { runner.remove() }
        let run = try runner.run("pull-request.sh", ["INPUT_DIRECTORY": repo.root, "FAKE_GH_EXISTING": "555\n777\n"])
        #expect(run.status == 0, "\(run)")
        let calls = runner.callLines
        #expect(calls.count == 2, "\(calls)")
        #expect(calls.last?.hasPrefix("api --method PATCH repos/acme/licenses/issues/comments/555 -F body=@") == true)
        #expect(!calls.contains { $0.contains("--method POST") })
    }

    @Test func errorsAreAnnotatedSummarizedAndCommentedAndExit1() throws {
        let repo = try TempRepo.example(label: "action-errors")
        defer { repo.remove() }
        try repo.write(
            "tenants/broken.yaml",
            """
            apiVersion: licensectl/v1
            kind: Tenant
            metadata:
              name: broken
            spec:
              licenses:
                - code: ABCD-0000-1234
                  type: Cloud Free
                  issued: 2026-01-15
                  renew: yes

            """)
        let runner = try FakeRunner(label: "errors")
        defer { runner.remove() }
        let run = try runner.run("pull-request.sh", ["INPUT_DIRECTORY": repo.root])
        #expect(run.status == 1, "\(run)")
        #expect(runner.outputs["exit-code"] == "1")
        #expect(runner.outputs["changes"] == "false")
        // The annotation names the file and place, relative to the repo root.
        let annotation = try #require(
            run.stdout.split(separator: "\n").first { $0.hasPrefix("::error file=tenants/broken.yaml,line=10,") })
        #expect(annotation.contains("renew"))
        // The summary and the comment say what to fix, also after errors.
        let summary = runner.read(runner.summary)
        #expect(summary.contains("tenants/broken.yaml:10"), "\(summary)")
        #expect(summary.contains("errors: fix them before merging"))
        let body = try #require(runner.bodies.first)
        #expect(body.contains("tenants/broken.yaml:10"))
        #expect(runner.callLines.last?.contains("--method POST") == true)
        let content = body.split(separator: "\n").dropFirst().joined(separator: "\n")
        #expect(content.range(of: Self.fullCode, options: .regularExpression) == nil, "codes must be masked")
        // The log says the verdict once, in one wording (newcomer run 8: two refusals).
        let refusals = (run.stdout + run.stderr).split(separator: "\n").filter { $0.hasPrefix("Plan refused: ") }
        #expect(
            refusals == ["Plan refused: 1 error, 0 warnings; nothing can be applied: fix the errors and plan again"],
            "\(run)")
    }

    /// The scratch folder `licensectl-pr.*` is removed on exit (newcomer run 8); only the file
    /// of the `plan-markdown` output stays in RUNNER_TEMP, and nothing without GITHUB_OUTPUT.
    @Test(arguments: [true, false])
    func nothingButThePlanMarkdownOutputIsLeftInRunnerTemp(withOutput: Bool) throws {
        let repo = try TempRepo.example(label: "action-cleanup")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "cleanup")
        defer { runner.remove() }
        let run = try runner.run(
            "pull-request.sh", ["INPUT_DIRECTORY": repo.root, "GITHUB_OUTPUT": withOutput ? runner.output : ""])
        #expect(run.status == 0, "\(run)")
        let left = try FileManager.default.contentsOfDirectory(atPath: runner.root + "/tmp")
        if withOutput {
            let planFile = try #require(runner.outputs["plan-markdown"])
            #expect(left == [(planFile as NSString).lastPathComponent], "\(left)")
            #expect(runner.read(planFile).hasPrefix("## licensectl plan at 2026-11-29T00:00:00Z\n"))
        } else {
            #expect(left == [], "\(left)")
        }
    }

    /// Once `plan --format github` exists, the script takes the annotations from it instead of
    /// `validate`. A wrapper adds the format to the help and records the call.
    @Test func planFormatGithubSlotsInWhenTheBinaryHasIt() throws {
        let repo = try TempRepo.example(label: "action-plan-github")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "plan-github")
        defer { runner.remove() }
        let real = try #require(licensectlExecutable()).path
        try runner.tool(
            "licensectl-next",
            """
            #!/bin/bash
            if [ "$1" = plan ] && [[ " $* " == *" --help "* ]]; then "\(real)" "$@"; echo "  --format <format>  text, json, markdown or github"; exit 0; fi
            if [ "$1" = plan ] && [[ " $* " == *" --format github "* ]]; then echo "::warning file=tenants/acme-water.yaml,line=1,col=1::from plan $*"; exit 0; fi
            if [ "$1" = validate ]; then echo "validate must not run" >&2; exit 1; fi
            exec "\(real)" "$@"
            """)
        let run = try runner.run(
            "pull-request.sh", ["INPUT_DIRECTORY": repo.root, "LICENSECTL": runner.bin + "/licensectl-next"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stdout.contains(
                "::warning file=tenants/acme-water.yaml,line=1,col=1::from plan plan -C \(repo.root) --at 2026-11-29 --format github"
            ), "\(run)")
        #expect(!run.stderr.contains("validate must not run"))
        #expect(runner.outputs["exit-code"] == "2")
    }

    /// Without gh (a container, a self-hosted runner) the comment goes through curl and jq with
    /// GITHUB_TOKEN: the listing finds the marker, the update sends `{"body": …}`.
    @Test func withoutGhTheCommentGoesThroughCurl() throws {
        let repo = try TempRepo.example(label: "action-curl")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "curl")
        defer { runner.remove() }
        try runner.tool(
            "curl",
            """
            #!/bin/bash
            method=GET; data=""; url=""; auth=""
            while [ $# -gt 0 ]; do case "$1" in -X) method="$2"; shift 2;; --data-binary) data="${2#@}"; shift 2;;
              -H) case "$2" in Authorization:*) auth="$2";; esac; shift 2;; -*) shift;; *) url="$1"; shift;; esac; done
            printf '%s %s %s\n' "$method" "$url" "$auth" >> "\(runner.calls)"
            if [ "$method" = GET ]; then printf '%s' "$FAKE_CURL_LIST"; else cp "$data" "\(runner.root)/body-0.json"; echo '{}'; fi
            """)
        let marker = "<!-- licensectl-plan: \(repo.root) -->"
        let listing = "[{\"id\": 11, \"body\": \"hello\"}, {\"id\": 12, \"body\": \"\(marker)\\nold plan\"}]"
        let run = try runner.run(
            "pull-request.sh",
            [
                "INPUT_DIRECTORY": repo.root, "LICENSECTL_ACTION_HTTP": "curl",
                "FAKE_CURL_LIST": listing, "GITHUB_API_URL": "https://api.example.invalid",
            ])
        #expect(run.status == 0, "\(run)")
        #expect(
            runner.callLines == [
                "GET https://api.example.invalid/repos/acme/licenses/issues/42/comments?per_page=100&page=1 Authorization: Bearer fake-token",
                "PATCH https://api.example.invalid/repos/acme/licenses/issues/comments/12 Authorization: Bearer fake-token",
            ])
        let sent = try #require(
            try JSONSerialization.jsonObject(with: Data(runner.read(runner.root + "/body-0.json").utf8))
                as? [String: Any])
        let body = try #require(sent["body"] as? String)
        #expect(body.hasPrefix(marker + "\n## licensectl plan"), "\(body)")
    }

    @Test func outsideAPullRequestThereIsNoComment() throws {
        let repo = try TempRepo.example(label: "action-push")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "push")
        defer { runner.remove() }
        let run = try runner.run(
            "pull-request.sh",
            ["INPUT_DIRECTORY": repo.root, "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"])
        #expect(run.status == 0, "\(run)")
        #expect(runner.callLines.isEmpty)
        #expect(runner.read(runner.summary).contains("acme-water"))
    }

    @Test func aCommentThatCannotBePostedIsAWarningNotAFailure() throws {
        let repo = try TempRepo.example(label: "action-gh-fails")
        defer { repo.remove() }
        let runner = try FakeRunner(label: "gh-fails")
        defer { runner.remove() }
        let run = try runner.run("pull-request.sh", ["INPUT_DIRECTORY": repo.root, "FAKE_GH_FAIL": "1"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("::warning title=licensectl::cannot post the plan comment: HTTP 403"), "\(run)")
    }

    /// A fake release tarball served by a fake curl that copies from a folder by file name.
    static func fakeRelease(_ runner: FakeRunner, version: String) throws -> (tarball: String, sha256: String) {
        let name = "licensectl-\(version)-x86_64-linux"
        let stage = runner.root + "/stage/" + name
        try FileManager.default.createDirectory(atPath: stage + "/bin", withIntermediateDirectories: true)
        try Data("#!/bin/sh\necho '\(version) (commit 0123456789ab)'\n".utf8).write(
            to: URL(fileURLWithPath: stage + "/bin/licensectl"))
        chmod(stage + "/bin/licensectl", 0o755)
        let served = runner.root + "/served"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let pack = try RunningCommand(
            executable: URL(fileURLWithPath: "/bin/bash"),
            [
                "-c",
                """
                set -e
                cd "\(stage)" && sha256sum bin/licensectl > SHA256SUMS
                tar -C "\(runner.root)/stage" -czf "\(served)/\(name).tar.gz" "\(name)"
                cd "\(served)" && sha256sum "\(name).tar.gz" > "\(name).tar.gz.sha256"
                """,
            ]
        ).wait()
        #expect(pack.status == 0, "\(pack)")
        try runner.tool(
            "curl",
            """
            #!/bin/bash
            out=""; url=""
            while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; -*) shift;; *) url="$1"; shift;; esac; done
            printf '%s\\n' "curl $url" >> "\(runner.calls)"
            cp "\(served)/${url##*/}" "$out" 2>/dev/null || { echo "curl: (22) 404" >&2; exit 22; }
            """)
        let sum = runner.read(served + "/\(name).tar.gz.sha256").split(separator: " ").first.map(String.init) ?? ""
        return (served + "/\(name).tar.gz", sum)
    }

    @Test func installVerifiesTheChecksumAndPutsTheBinaryOnPath() throws {
        let runner = try FakeRunner(label: "install")
        defer { runner.remove() }
        let release = try Self.fakeRelease(runner, version: "9.8.7")
        let run = try runner.run(
            "install.sh",
            [
                "INPUT_VERSION": "v9.8.7", "INSTALL_ROOT": runner.root + "/tools",
                "INPUT_RELEASE_URL":
                    "https://example.invalid/download/v{version}/licensectl-{version}-x86_64-linux.tar.gz",
            ])
        #expect(run.status == 0, "\(run)")
        #expect(
            runner.callLines == [
                "curl https://example.invalid/download/v9.8.7/licensectl-9.8.7-x86_64-linux.tar.gz",
                "curl https://example.invalid/download/v9.8.7/licensectl-9.8.7-x86_64-linux.tar.gz.sha256",
            ])
        let bin = runner.root + "/tools/licensectl-9.8.7-x86_64-linux/bin"
        #expect(runner.read(runner.root + "/path.txt") == bin + "\n")
        #expect(runner.outputs["path"] == bin + "/licensectl")
        #expect(run.stdout.contains("licensectl 9.8.7 (commit 0123456789ab) installed"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: runner.root + "/tmp") == [])

        // A pinned checksum is used instead of the published one.
        let pinned = try runner.run(
            "install.sh",
            [
                "INPUT_VERSION": "9.8.7", "INPUT_SHA256": release.sha256, "INSTALL_ROOT": runner.root + "/tools2",
                "INPUT_RELEASE_URL": "https://example.invalid/{version}/licensectl-{version}-x86_64-linux.tar.gz",
            ])
        #expect(pinned.status == 0, "\(pinned)")
        #expect(runner.callLines.last == "curl https://example.invalid/9.8.7/licensectl-9.8.7-x86_64-linux.tar.gz")
    }

    @Test func installRefusesAChecksumMismatch() throws {
        let runner = try FakeRunner(label: "install-bad")
        defer { runner.remove() }
        _ = try Self.fakeRelease(runner, version: "9.8.7")
        let wrong = String(repeating: "0", count: 64)
        let run = try runner.run(
            "install.sh",
            [
                "INPUT_VERSION": "9.8.7", "INPUT_SHA256": wrong, "INSTALL_ROOT": runner.root + "/tools",
                "INPUT_RELEASE_URL": "https://example.invalid/{version}/licensectl-{version}-x86_64-linux.tar.gz",
            ])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stdout.contains(
                "::error title=licensectl install::checksum mismatch for licensectl-9.8.7-x86_64-linux.tar.gz: expected \(wrong)"
            ), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: runner.root + "/tools/licensectl-9.8.7-x86_64-linux"))
        #expect(runner.read(runner.root + "/path.txt").isEmpty)
        // Nothing is left in RUNNER_TEMP (newcomer report: licensectl-install.XXXXXX with the tarball).
        #expect(try FileManager.default.contentsOfDirectory(atPath: runner.root + "/tmp") == [])
    }

    @Test func aFailedDownloadLeavesNothingInRunnerTemp() throws {
        let runner = try FakeRunner(label: "install-404")
        defer { runner.remove() }
        _ = try Self.fakeRelease(runner, version: "9.8.7")
        let run = try runner.run(
            "install.sh",
            [
                "INPUT_VERSION": "9.8.6", "INSTALL_ROOT": runner.root + "/tools",
                "INPUT_RELEASE_URL": "https://example.invalid/{version}/licensectl-{version}-x86_64-linux.tar.gz",
            ])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stdout.contains(
                "::error title=licensectl install::cannot download https://example.invalid/9.8.6/licensectl-9.8.6-x86_64-linux.tar.gz"
            ), "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: runner.root + "/tmp") == [])
        #expect(runner.read(runner.root + "/path.txt").isEmpty)
    }
}
