import ArgumentParser

/// Options every command that reads the license repo shares (SPEC §6).
struct RepoOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("The license repo's root directory.", valueName: "DIR"))
    var directory: String = "."

    @Option(name: .customLong("tenants"), help: ArgumentHelp("The tenant manifests' folder, relative to -C.", valueName: "DIR"))
    var tenants: String = "tenants"
}
