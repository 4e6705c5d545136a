import ArgumentParser
import Foundation
import LicenseKit

/// `licensectl schema`: prints the JSON Schema (draft 2020-12) of the Tenant manifest, generated
/// from the definitions the decoder uses (docs/cli.md §6).
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (2020-12) of the Tenant manifest."
    )

    func run() throws {
        Console.out(ManifestSchema.jsonSchema())
    }
}
