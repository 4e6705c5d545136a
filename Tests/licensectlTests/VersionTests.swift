import Foundation
import Testing

/// `licensectl --version`: a development build says `(dev)`; `release/build.sh` stamps the
/// commit (checked by `release/check.sh` on the packed binary).
@Suite struct VersionTests {
    @Test func aDevelopmentBuildSaysDev() throws {
        let source = try String(contentsOfFile: packageRoot + "/Sources/licensectl/BuildInfo.swift", encoding: .utf8)
        let line = try #require(source.split(separator: "\n").first { $0.contains("static let version = \"") })
        let version = try #require(line.split(separator: "\"").dropFirst().first.map(String.init))
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil })
        // The release script replaces exactly this line; a change here must change it too.
        #expect(source.contains("\n    static let commit: String? = nil\n"))

        let run = try licensectl(["--version"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "\(version) (dev)\n")
    }
}
